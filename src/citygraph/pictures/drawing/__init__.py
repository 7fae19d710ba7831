"""Drawing SVG by hand: the writer, the time axis, label placement, the shared layout and the style."""
