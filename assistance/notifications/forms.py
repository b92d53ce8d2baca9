from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Notification


class PreferencesForm(forms.Form):
    """One tick per kind of notification: whether it is also sent by mail (it is always in the inbox)."""

    def __init__(self, *args, mailed: dict[str, bool], **kwargs):
        super().__init__(*args, **kwargs)
        for kind, label in Notification.Kind.choices:
            self.fields[kind] = forms.BooleanField(label=label, required=False, initial=mailed.get(kind, True))
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Save")))

    def mailed(self) -> set[str]:
        return {kind for kind in Notification.Kind.values if self.cleaned_data.get(kind)}
