"""Image model families: a CNN from scratch, EfficientNet-Lite0 transfer learning and hand-made pixel features.

Images are uint8 arrays of shape (n, H, W, C) with C = 1 or 3; targets are integer class codes.
"""
