"""The views stage: offline HTML pages of the graph drawn with vis-network.

pages builds and writes the views (`kg viz`); assets/ holds the page template, script and
style shipped with every view.
"""
