"""Reading and checking question banks: the format, the loader, the model and its checks."""
