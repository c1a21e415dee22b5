"""Infrastructure: file formats and I/O that the stages use (workbooks)."""
