"""Reading and writing safely: atomic files, folder swaps and locks, the file formats table, outbound HTTP rules."""
