"""A form renderer that writes the plain widgets in Python instead of a template per option.

Django renders a <select> through one template and every one of its options through another, so a
filter form with a few dropdowns costs hundreds of template renders on every list page. The list
pages' filter forms use this renderer: the same markup as Django's own widget templates, for inputs
and selects, written directly; any other widget falls back to its template.
"""

from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

INPUTS = {
    f"django/forms/widgets/{kind}.html"
    for kind in ("input", "text", "date", "number", "search", "email", "url", "tel", "hidden", "time", "datetime")
}
SELECT = "django/forms/widgets/select.html"


def _attrs(attrs: dict) -> str:
    """As django/forms/widgets/attrs.html writes them: False leaves an attribute out, True writes its name."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        parts.append(
            f" {conditional_escape(name)}"
            if value is True
            else f' {conditional_escape(name)}="{conditional_escape(value)}"'
        )
    return "".join(parts)


def _input(widget: dict) -> str:
    value = "" if widget["value"] is None else f' value="{conditional_escape(widget["value"])}"'
    return f'<input type="{conditional_escape(widget["type"])}" name="{conditional_escape(widget["name"])}"{value}{_attrs(widget["attrs"])}>'


def _select(widget: dict) -> str:
    parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(format_html('\n  <optgroup label="{}">', group_name))
        for option in options:
            parts.append(
                f'\n  <option value="{conditional_escape(option["value"])}"{_attrs(option["attrs"])}>'
                f"{conditional_escape(option['label'])}</option>\n"  # the option template ends in a newline
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


class QuickWidgetRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        if template_name in INPUTS:
            return mark_safe(_input(context["widget"]))
        if template_name == SELECT:
            return mark_safe(_select(context["widget"]))
        return super().render(template_name, context, request=request)


QUICK_RENDERER = QuickWidgetRenderer()
