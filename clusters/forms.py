from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from config.once import SubmitOnceForm
from config.pinyin import Pinyin
from config.widgets import AutocompleteSelect

from .editing import VersionedAdminForm, VersionedForm
from .fields import IdChoiceField
from .models import Enterprise, User
from .selectors import visible_clusters, visible_counties
from .validators import normalise_credit_code, validate_credit_code


class EnterpriseForm(SubmitOnceForm, VersionedForm):
    class Meta:
        model = Enterprise
        fields = [
            "name",
            "credit_code",
            "county",
            "cluster",
            "size",
            "is_leading",
            "address",
            "contact_person",
            "contact_phone",
        ]
        field_classes = {"county": IdChoiceField, "cluster": IdChoiceField}
        # Searched among the clusters of the county chosen above: an enterprise's cluster lies in its county.
        widgets = {"cluster": AutocompleteSelect("clusters:cluster-autocomplete", forward={"county": "county"})}

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"].queryset = visible_counties(user=user)
        self.fields["cluster"].queryset = (
            visible_clusters(user=user).select_related("county").order_by(Pinyin("name"), "pk")
        )
        self.fields["credit_code"].help_text = _("18 characters as on the business licence, e.g. 91130283MA0CXXXXXX.")
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Save")))
        # The page links the cluster picker's assets in its head and at the end of its body, once.
        self.helper.include_media = False

    def clean_credit_code(self) -> str:
        code = normalise_credit_code(self.cleaned_data["credit_code"])
        validate_credit_code(code)
        existing = Enterprise.objects.filter(credit_code=code).exclude(pk=self.instance.pk).first()
        if existing is not None:
            raise forms.ValidationError(
                _("This credit code is already registered to %(name)s."), code="unique", params={"name": existing.name}
            )
        return code

    def clean_name(self) -> str:
        return self.cleaned_data["name"].strip()


class EnterpriseAdminForm(VersionedAdminForm):
    """Admin uses the same credit-code and cluster rules as the pages, and the same stale-edit check."""

    class Meta:
        model = Enterprise
        fields = [*EnterpriseForm.Meta.fields, "source", "synthetic"]
        field_classes = EnterpriseForm.Meta.field_classes

    clean_credit_code = EnterpriseForm.clean_credit_code
