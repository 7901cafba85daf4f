"""One module per feature; each turns a Context into a Reply."""
