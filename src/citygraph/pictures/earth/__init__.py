"""The earth under the maps: the Equal Earth projection, Natural Earth countries, great circles, the frame."""
