from django.contrib.auth.models import AbstractUser
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device
from simple_history.models import HistoricalRecords


class User(AbstractUser):  # type: ignore[django-manager-missing] # django-otp is untyped
    """A person (or an integration) using the tracker; roles are auth groups."""

    organisation = models.ForeignKey(
        "core.Organisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="users",
    )
    password_change_required = models.BooleanField(
        _("must choose a new password"),
        default=False,
        help_text=_(
            "Set by an administrator: the person is sent to choose a new "
            "password before any other page."
        ),
    )

    class Meta(AbstractUser.Meta):
        # django-stubs types the inherited Meta's names as str, not lazy text.
        verbose_name = _("user")  # type: ignore[assignment]
        verbose_name_plural = _("users")  # type: ignore[assignment]


class ExternalIdentity(models.Model):
    """A person's account at an OpenID Connect provider, linked to a user.

    Linked by the provider's stable subject and issuer, never by e-mail (an
    address can be given to someone else). ``provider_roles`` are the roles the
    provider's claims granted at the last sign-in: the next sign-in takes away
    those the claims no longer grant, and leaves alone roles an administrator
    granted in the app.
    """

    user = models.ForeignKey(
        User,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="external_identities",
    )
    issuer = models.CharField(_("issuer"), max_length=300)
    subject = models.CharField(_("subject"), max_length=255)
    provider_roles = models.JSONField(_("roles from the provider"), default=list)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_login_at = models.DateTimeField(_("last login"), null=True, blank=True)

    class Meta:
        verbose_name = _("external identity")
        verbose_name_plural = _("external identities")
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "subject"], name="externalidentity_one_per_subject"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject} @ {self.issuer}"


class PasskeyDevice(Device):
    """A passkey (a WebAuthn credential) a person enrolled as a second factor.

    A django-otp device, so that using it marks the session verified like a
    TOTP code does; it is never verified by a typed token.
    """

    credential_id = models.BinaryField(_("credential id"), unique=True)
    public_key = models.BinaryField(_("public key"))
    sign_count = models.PositiveBigIntegerField(_("signature counter"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta(Device.Meta):
        verbose_name = _("passkey")
        verbose_name_plural = _("passkeys")


class Organisation(models.Model):
    """An organisation that owns indicators, runs initiatives or sits in councils.

    The secretariat and the administrators maintain the list; ``load_strategy``
    seeds the organisations the strategy's sources name, each with its source.
    """

    name = models.CharField(_("name"), max_length=200, unique=True)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    # Where reminders go: the organisation's own addresses (a list of e-mails).
    contact_emails = models.JSONField(_("contact e-mails"), default=list, blank=True)
    source = models.URLField(_("source"), max_length=500, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("organisation", args=[self.pk])


class HealthPing(models.Model):
    """A row written by the health-ping task: proof that a worker ran a task."""

    token = models.CharField(_("token"), max_length=64, unique=True)
    worker = models.CharField(_("worker"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("health ping")
        verbose_name_plural = _("health pings")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.token} ({self.worker or '-'})"


class ApiKey(models.Model):
    """A key an integration sends as ``Authorization: Token <key>``.

    Only a SHA-256 hash of the key is stored: keys are long random strings, so
    a fast hash is enough and lookups stay one indexed query. A key acts as its
    own user, who holds the key's role; ``scopes`` lists the goal codes (M1…)
    and indicator codes whose values the key may write (empty: none).

    Every key has a named human ``owner`` (a person's account): four eyes
    compares the people behind the accounts, so a key never approves what its
    owner, or another key of the same owner, entered. A key expires
    (``expires_at``, a year unless set otherwise); rotating it makes a new key
    of the same name, user and owner, and the old one, ``replaced_at``, stays
    valid for a grace period. Revocation is final: a database trigger refuses
    any change of ``revoked_at`` once it is set (migration
    ``core.0006_api_key_revocation_is_final``).
    """

    name = models.CharField(_("name"), max_length=100)
    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.PROTECT, related_name="api_keys"
    )
    # Null only for keys made before keys had owners: refused until an
    # administrator names one (once; it cannot change afterwards).
    owner = models.ForeignKey(
        User,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="owned_api_keys",
        help_text=_("The person answerable for the key."),
    )
    prefix = models.CharField(_("prefix"), max_length=12, db_index=True)
    key_hash = models.CharField(_("key hash"), max_length=64, unique=True)
    scopes = models.JSONField(_("scopes"), default=list, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    replaced_at = models.DateTimeField(_("replaced at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        ordering = ["name", "-created_at"]
        constraints = [
            # Rotation keeps the name: the replaced key keeps it too, until it
            # expires, but only one key of a name is current.
            models.UniqueConstraint(
                fields=["name"],
                condition=models.Q(replaced_at__isnull=True),
                name="apikey_one_current_key_per_name",
                violation_error_message=_("A current API key already has this name."),
            ),
            models.CheckConstraint(
                condition=~models.Q(owner=models.F("user")),
                name="apikey_owner_is_not_the_key_user",
                violation_error_message=_(
                    "The key's owner cannot be the user the key acts as."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class AuthEventKind(models.TextChoices):
    LOGIN = "login", _("Logged in")
    LOGOUT = "logout", _("Logged out")
    LOGIN_FAILED = "login_failed", _("Failed login")
    LOCKED_OUT = "locked_out", _("Locked out")
    ROLES_CHANGED = "roles_changed", _("Roles changed")
    API_KEY_FAILED = "api_key_failed", _("API key refused")
    API_KEY_REVOKED = "api_key_revoked", _("Revoked API key used")
    AUTH_THROTTLED = "auth_throttled", _("Failed authentication throttled")
    CACHE_UNAVAILABLE = "cache_unavailable", _("Cache unavailable")
    PASSWORD_CHANGED = "password_changed", _("Password changed")
    PASSWORD_CHANGE_REQUIRED = "password_required", _("New password required")


class AuthEvent(models.Model):
    """Security log: logins, logouts, failures, lockouts, role changes, refused
    and revoked API keys, throttled failed authentication, cache outages."""

    kind = models.CharField(_("kind"), max_length=20, choices=AuthEventKind.choices)
    username = models.CharField(_("username"), max_length=150, blank=True)
    user = models.ForeignKey(
        User,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="auth_events",
    )
    address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("security event")
        verbose_name_plural = _("security events")
        ordering = ["-at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=AuthEventKind.values),
                name="authevent_kind_valid",
                violation_error_message=_("Choose a kind of event from the list."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_kind_display()} {self.username}"


class AuditChain(models.Model):
    """A hash chain over one table's rows (``core.audit_chain``): how far it
    is sealed, and the content columns its seals cover."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    columns = models.JSONField(_("columns"), default=list)
    head_row_id = models.BigIntegerField(_("last sealed row"), default=0)
    head_digest = models.CharField(_("last seal"), max_length=64, default="0" * 64)
    sealed_at = models.DateTimeField(_("sealed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("audit chain")
        verbose_name_plural = _("audit chains")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.head_row_id})"


class AuditSeal(models.Model):
    """One row's seal: sha256 of its predecessor's seal and its content."""

    chain = models.ForeignKey(
        AuditChain,
        verbose_name=_("chain"),
        on_delete=models.PROTECT,
        related_name="seals",
    )
    row_id = models.BigIntegerField(_("row"))
    digest = models.CharField(_("seal"), max_length=64)

    class Meta:
        verbose_name = _("audit seal")
        verbose_name_plural = _("audit seals")
        constraints = [
            models.UniqueConstraint(
                fields=["chain", "row_id"], name="auditseal_one_per_row"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.chain.name} {self.row_id}"
