"""Simplified Chinese number formats: Django's own leave figures without grouping (29833); the bureau's
documents group them in threes with a comma (29,833). Everything else comes from Django's zh_Hans formats."""

THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
