"""Importing enterprises and what they hold from the counties' spreadsheets (.xlsx or .csv).

`reading` turns a file into text cells, `planning` decides row by row what importing them would do,
`services` keeps a preview for its importer and writes a confirmed one; the page and the
`import_enterprises` command both go through these.
"""
