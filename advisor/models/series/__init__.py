"""Time-series model families: a feature extractor for the classical models, a 1-D CNN and a GRU / LSTM."""
