"""The kinds of picture: a place's map, the world map, timelines and growth charts."""
