"""Publisher formats: one module per format, each turning published files into entities."""
