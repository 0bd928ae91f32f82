"""A verifiable audit trail: every history row and security event is sealed
into a hash chain, so that a row changed or removed behind the application's
back is found.

One chain per table: the history table of each audited model (``AUDITED_MODELS``)
and the security log (``AuthEvent``). A row's seal is
``sha256(previous seal + the row's content)``, in the order of the rows' ids.
Rows are sealed after they are written, by a periodic task (``audit_seal``,
every minute from beat), not while they are written: ingest writes its history
rows set-based (``indicators.staging``, ``bulk_create_with_history``) and pays
nothing for the chain. Rows are sealed only once they are older than
``AUDIT_SEAL_SETTLE_SECONDS`` (longer than any transaction may run): a row id
is taken when a row is inserted, so once a row that old is visible, every
lower id is committed or never will be, and sealing in id order never passes a
row still to come.

``audit_verify`` walks each chain and reports its first broken link: a sealed
row that changed, a sealed row that is gone, a row below the chain's head that
was never sealed (inserted behind it), a seal that does not follow from its
predecessor. Each sealing logs the chains' heads, so that a copy of them
outside the database can show a chain rewritten from scratch.
"""

import datetime as dt
import hashlib
import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import Max
from django.utils import timezone

from .audit import audited_models
from .models import AuditChain, AuditSeal, AuthEvent

logger = logging.getLogger(__name__)

GENESIS = "0" * 64
BATCH = 5_000
# Rows a chain takes in one run: some 20 s of a worker at ~10,000 rows/s.
MAX_ROWS_A_RUN = 200_000


def chained_tables() -> list[tuple[str, type[models.Model], str]]:
    """(chain name, model, the column that says when a row was written)."""
    tables: list[tuple[str, type[models.Model], str]] = [
        (model.history.model._meta.label, model.history.model, "history_date")
        for _label, model in audited_models()
    ]
    tables.append((AuthEvent._meta.label, AuthEvent, "at"))
    return tables


def _canonical(value) -> object:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    return value


def row_digest(previous: str, values: tuple) -> str:
    """The seal of a row: its content, in a fixed form, after its predecessor."""
    content = json.dumps(
        [_canonical(v) for v in values],
        sort_keys=True,
        separators=(",", ":"),
        default=str,
        ensure_ascii=False,
    )
    return hashlib.sha256(f"{previous}\n{content}".encode()).hexdigest()


def _columns(model: type[models.Model]) -> list[str]:
    return [field.attname for field in model._meta.concrete_fields]


def _rows(model, columns: list[str], after: int, upto: int | None) -> Iterator[tuple]:
    rows = model._default_manager.filter(pk__gt=after)
    if upto is not None:
        rows = rows.filter(pk__lte=upto)
    pk = model._meta.pk.attname
    return rows.order_by(pk).values_list(pk, *columns).iterator(chunk_size=BATCH)


# --- Sealing ------------------------------------------------------------------


def audit_seal(*, settle: dt.timedelta | None = None) -> dict[str, int]:
    """Seal every settled row not yet sealed, chain by chain; how many each.

    Idempotent: a second run seals nothing new. Chains are sealed one by one,
    each under a lock on its chain row (two sealers never append the same row).
    """
    settle = (
        settle
        if settle is not None
        else dt.timedelta(seconds=settings.AUDIT_SEAL_SETTLE_SECONDS)
    )
    before = timezone.now() - settle
    sealed = {
        name: _chain_seal(name, model, when, before)
        for name, model, when in chained_tables()
    }
    heads = AuditChain.objects.order_by("name").values_list("name", "head_digest")
    logger.info(
        "Audit chains sealed %s; heads %s",
        sum(sealed.values()),
        " ".join(f"{name}={digest[:16]}" for name, digest in heads),
    )
    return sealed


@transaction.atomic
def _chain_seal(name: str, model, when: str, before: dt.datetime) -> int:
    chain, _created = AuditChain.objects.get_or_create(
        name=name, defaults={"columns": _columns(model)}
    )
    # Two sealers at once would otherwise both append the same rows.
    chain = AuditChain.objects.select_for_update().get(pk=chain.pk)
    after = model._default_manager.filter(pk__gt=chain.head_row_id)
    upto = after.filter(**{f"{when}__lt": before}).aggregate(upto=Max("pk"))["upto"]
    if upto is None:
        return 0
    # A bounded share a run, well inside the task's time limit: a first run
    # over years of history takes several runs instead of never finishing.
    pk = model._meta.pk.attname
    nth = list(after.order_by(pk).values_list(pk, flat=True)[MAX_ROWS_A_RUN - 1 :][:1])
    if nth:
        upto = min(upto, nth[0])
    previous, count, seals = chain.head_digest, 0, []
    for row_id, *values in _rows(model, chain.columns, chain.head_row_id, upto):
        previous = row_digest(previous, tuple(values))
        seals.append((chain.pk, row_id, previous))
        if len(seals) >= BATCH:
            _seals_insert(seals)
            count, seals = count + len(seals), []
    _seals_insert(seals)
    count += len(seals)
    chain.head_row_id, chain.head_digest = upto, previous
    chain.sealed_at = timezone.now()
    chain.save(update_fields=["head_row_id", "head_digest", "sealed_at"])
    return count


def _seals_insert(seals: list[tuple[int, int, str]]) -> None:
    """(chain id, row id, digest) rows into the seal table: one COPY on
    PostgreSQL (several times faster than a multi-row INSERT, as for the
    snapshots), the ORM elsewhere."""
    if not seals:
        return
    if connection.vendor != "postgresql":
        AuditSeal.objects.bulk_create(
            AuditSeal(chain_id=chain, row_id=row, digest=digest)
            for chain, row, digest in seals
        )
        return
    table = AuditSeal._meta.db_table
    with connection.cursor() as cursor:
        copy_sql = f"COPY {table} (chain_id, row_id, digest) FROM STDIN"
        with cursor.cursor.copy(copy_sql) as copy:
            for seal in seals:
                copy.write_row(seal)


# --- Verifying ------------------------------------------------------------------


@dataclass(frozen=True)
class ChainState:
    name: str
    sealed: int  # rows checked
    unsealed: int  # rows after the head, not sealed yet
    broken: str  # the first broken link, or "" when the chain holds


def audit_verify() -> list[ChainState]:
    """Every chain checked against its table, row by row."""
    chains = {chain.name: chain for chain in AuditChain.objects.all()}
    states = []
    for name, model, _when in chained_tables():
        chain = chains.get(name)
        if chain is None:
            unsealed = model._default_manager.count()
            states.append(ChainState(name, 0, unsealed, ""))
            continue
        states.append(_chain_verify(chain, model))
    return states


def _chain_verify(chain: AuditChain, model) -> ChainState:
    missing = [c for c in chain.columns if c not in _columns(model)]
    unsealed = model._default_manager.filter(pk__gt=chain.head_row_id).count()
    if missing:
        broken = f"columns sealed but no longer in the table: {', '.join(missing)}"
        return ChainState(chain.name, 0, unsealed, broken)
    seals = (
        AuditSeal.objects.filter(chain=chain)
        .order_by("row_id")
        .values_list("row_id", "digest")
        .iterator(chunk_size=BATCH)
    )
    rows = _rows(model, chain.columns, 0, chain.head_row_id)
    checked, broken = _walk(seals, rows)
    if not broken and checked and chain.head_digest != _last_digest(chain):
        broken = "the chain's head does not match its last seal"
    return ChainState(chain.name, checked, unsealed, broken)


def _last_digest(chain: AuditChain) -> str:
    last = AuditSeal.objects.filter(chain=chain).order_by("-row_id").first()
    return last.digest if last else GENESIS


def _walk(seals: Iterator, rows: Iterator) -> tuple[int, str]:
    """Rows and seals side by side in id order; the first broken link."""
    previous, checked = GENESIS, 0
    seal, row = next(seals, None), next(rows, None)
    while seal is not None or row is not None:
        if seal is not None and (row is None or seal[0] < row[0]):
            return checked, f"row {seal[0]} was sealed but is gone"
        if row is not None and (seal is None or row[0] < seal[0]):
            return checked, f"row {row[0]} was never sealed (inserted behind the chain)"
        assert seal is not None and row is not None  # the same id, both there
        if row_digest(previous, tuple(row[1:])) != seal[1]:
            return checked, f"row {row[0]}, or its seal, has changed since sealed"
        previous, checked = seal[1], checked + 1
        seal, row = next(seals, None), next(rows, None)
    return checked, ""
