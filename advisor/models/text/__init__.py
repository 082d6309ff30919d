"""Text model families: TF-IDF with linear / boosted heads, MiniLM embeddings and fine-tuning, networks from scratch."""
