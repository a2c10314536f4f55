"""The views stage: offline HTML pages of the graph drawn with vis-network.

pages builds and writes the views (`kg viz`) from one export of the graph; layouts places the
entities of each view (force, rings round a focus, a case map, a time axis), seeded, so pages
draw at once; labels chooses which names are drawn so none overlaps; assets/ holds the page
template, script (search, filters, date range, side panel, state in the URL) and style.
"""
