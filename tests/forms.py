"""Helpers for tests that post forms back as a browser would."""


def posted(form, **changes) -> dict:
    """The values of a rendered form, as the browser would post them back (disabled fields are not sent)."""
    data = {}
    for name, field in form.fields.items():
        if field.disabled:
            continue
        value = form[name].value()
        data[name] = "" if value is None else value
    data.update(changes)
    return data
