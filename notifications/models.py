from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    """What a message is about (issue 17)."""

    VALUE_DUE = "value_due", _("An indicator value is due")
    APPROVALS_WAITING = "approvals_waiting", _("Values wait for approval")
    REPORT_DUE = "report_due", _("An initiative's status report is due")
    FOLLOW_UP_DUE = "follow_up_due", _("A follow-up is due")
    PACK_FROZEN = "pack_frozen", _("A meeting pack is frozen")
    SECURITY_ALERT = "security_alert", _("The security report calls for a look")


# What a person cannot turn off: work only they can do.
MANDATORY_KINDS = frozenset(
    {Kind.APPROVALS_WAITING, Kind.FOLLOW_UP_DUE, Kind.SECURITY_ALERT}
)


class Delivery(models.TextChoices):
    IMMEDIATELY = "immediately", _("Immediately")
    DIGEST = "digest", _("Daily digest")
    OFF = "off", _("Off")


class NotificationPreference(models.Model):
    """How one person wants one kind of message; none stored: immediately."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notification_preferences",
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    delivery = models.CharField(_("delivery"), max_length=20, choices=Delivery.choices)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind"], name="notificationpreference_one_per_kind"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=Kind.values),
                name="notificationpreference_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(delivery__in=Delivery.values)
                & ~Q(kind__in=MANDATORY_KINDS, delivery=Delivery.OFF),
                name="notificationpreference_delivery_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.kind}: {self.delivery}"


class SentStatus(models.TextChoices):
    PENDING = "pending", _("To be sent")
    SENT = "sent", _("Sent")
    SKIPPED = "skipped", _("Not sent (turned off)")


class SentNotification(models.Model):
    """One thing one recipient is told once: the key of idempotence.

    A row is written when something becomes due for a recipient, and marked
    sent in the transaction that sent it; running a sweep twice sends
    nothing twice, and a row left pending (SMTP or broker down) goes out with
    the next sweep.
    """

    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    object_type = models.CharField(_("object type"), max_length=30)
    object_id = models.BigIntegerField(_("object"))
    recipient = models.EmailField(_("recipient"))
    # The step of being due: "before:2026-Q3", "after:2026-Q3", "frozen" …
    due_step = models.CharField(_("due step"), max_length=60)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    delivery = models.CharField(
        _("delivery"),
        max_length=20,
        choices=Delivery.choices,
        default=Delivery.IMMEDIATELY,
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=SentStatus.choices,
        default=SentStatus.PENDING,
    )
    # What the message says about it, Norwegian first, and in English.
    line = models.CharField(_("line"), max_length=500)
    line_en = models.CharField(_("line (English)"), max_length=500, blank=True)
    url = models.CharField(_("link"), max_length=300)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)

    class Meta:
        verbose_name = _("sent notification")
        verbose_name_plural = _("sent notifications")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_type", "object_id", "recipient", "due_step"],
                name="sentnotification_once_per_step",
            ),
            models.CheckConstraint(
                condition=Q(status__in=SentStatus.values),
                name="sentnotification_status_valid",
            ),
        ]
        indexes = [
            models.Index(
                fields=["recipient"],
                condition=Q(status="pending"),
                name="sentnotification_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient} ({self.due_step})"
