"""Who may use which page and endpoint: the one table, tested cell by cell.

Every named URL of the project has a row: the HTTP method that is tried and the
personas allowed. ``tests/test_access_matrix.py`` requests every cell and fails
when a URL has no row. docs/security.md points here.
"""

ANONYMOUS = "anonymous"
COUNCIL_MEMBER = "council_member"
SECRETARIAT = "secretariat"
APPROVER = "approver"
INTEGRATION = "integration"  # an API key without write scope
INTEGRATION_SCOPED = "integration_scoped"  # an API key that may write M1
ADMINISTRATOR = "administrator"

PERSONAS = (
    ANONYMOUS,
    COUNCIL_MEMBER,
    SECRETARIAT,
    APPROVER,
    INTEGRATION,
    INTEGRATION_SCOPED,
    ADMINISTRATOR,
)
ALL = frozenset(PERSONAS)
WEB_READERS = frozenset({COUNCIL_MEMBER, SECRETARIAT, APPROVER, ADMINISTRATOR})
API_READERS = WEB_READERS | {INTEGRATION, INTEGRATION_SCOPED}
SECRETARIAT_ONLY = frozenset({SECRETARIAT})
SECRETARIAT_OR_ADMIN = frozenset({SECRETARIAT, ADMINISTRATOR})
APPROVER_ONLY = frozenset({APPROVER})
ADMIN_ONLY = frozenset({ADMINISTRATOR})
VALUE_WRITERS = frozenset({SECRETARIAT, INTEGRATION_SCOPED})

# url name: ((method, allowed personas), ...)
MATRIX: dict[str, tuple[tuple[str, frozenset], ...]] = {
    # Public
    "login": (("GET", ALL),),
    "logout": (("POST", ALL),),
    # Sign-in through the OpenID Connect provider (404 while none is set).
    "oidc_start": (("GET", ALL),),
    "oidc_callback": (("GET", ALL),),
    # The second factor: one's own, for every signed-in person.
    "second_factor_verify": (("GET", WEB_READERS),),
    "second_factor_passkey": (("POST", WEB_READERS),),
    "second_factor": (("GET", WEB_READERS),),
    "second_factor_app": (("POST", WEB_READERS),),
    "second_factor_app_confirm": (("POST", WEB_READERS),),
    "second_factor_recovery_codes": (("POST", WEB_READERS),),
    "second_factor_passkey_options": (("POST", WEB_READERS),),
    "second_factor_passkey_register": (("POST", WEB_READERS),),
    "set_language": (("POST", ALL),),
    "healthz": (("GET", ALL),),
    # A person's own account
    "password_change": (("GET", WEB_READERS),),
    # Dashboards
    "strategy:overview": (("GET", WEB_READERS),),
    "strategy:goal": (("GET", WEB_READERS),),
    "strategy:plan": (("GET", WEB_READERS),),
    # Indicators and values
    "indicators:list": (("GET", WEB_READERS),),
    "indicators:detail": (("GET", WEB_READERS),),
    "indicators:export": (("GET", WEB_READERS),),
    "indicators:create": (("GET", SECRETARIAT_ONLY),),
    "indicators:edit": (("GET", SECRETARIAT_ONLY),),
    "indicators:value_enter": (("POST", SECRETARIAT_ONLY),),
    "indicators:value_submit": (("POST", SECRETARIAT_ONLY),),
    "indicators:approvals": (("GET", APPROVER_ONLY),),
    "indicators:import_new": (("GET", SECRETARIAT_ONLY),),
    "indicators:import_detail": (("GET", SECRETARIAT_ONLY),),
    "indicators:import_progress": (("GET", SECRETARIAT_ONLY),),
    "indicators:import_commit": (("POST", SECRETARIAT_ONLY),),
    # Roadmap and initiatives
    "initiatives:roadmap": (("GET", WEB_READERS),),
    "initiatives:roadmap_deliveries": (("GET", WEB_READERS),),
    "initiatives:roadmap_import_detail": (("GET", WEB_READERS),),
    "initiatives:list": (("GET", WEB_READERS),),
    "initiatives:detail": (("GET", WEB_READERS),),
    "initiatives:roadmap_upload": (("GET", SECRETARIAT_OR_ADMIN),),
    "initiatives:edit": (("GET", SECRETARIAT_OR_ADMIN),),
    "initiatives:status_report": (("GET", SECRETARIAT_OR_ADMIN),),
    # Councils
    "councils:list": (("GET", WEB_READERS),),
    "councils:detail": (("GET", WEB_READERS),),
    "councils:meeting": (("GET", WEB_READERS),),
    "councils:pack": (("GET", WEB_READERS),),
    "councils:pack_pdf": (("GET", WEB_READERS),),
    "councils:attachment": (("GET", WEB_READERS),),
    "councils:meeting_new": (("GET", SECRETARIAT_ONLY),),
    "councils:member_new": (("GET", SECRETARIAT_ONLY),),
    "councils:meeting_status": (("POST", SECRETARIAT_ONLY),),
    "councils:pack_freeze": (("POST", SECRETARIAT_ONLY),),
    "councils:item_new": (("GET", SECRETARIAT_ONLY),),
    "councils:decision_new": (("GET", SECRETARIAT_ONLY),),
    "councils:attachment_new": (("GET", SECRETARIAT_ONLY),),
    "councils:decision_amend": (("GET", SECRETARIAT_ONLY),),
    "councils:decision_plan": (("GET", SECRETARIAT_ONLY),),
    "councils:action_new": (("GET", SECRETARIAT_ONLY),),
    "councils:action_status": (("GET", SECRETARIAT_ONLY),),
    # Notifications
    "notifications:preferences": (("GET", WEB_READERS),),
    "notifications:my_tasks": (("GET", WEB_READERS),),
    "search": (("GET", WEB_READERS),),
    # Administration
    "audit": (("GET", ADMIN_ONLY),),
    "audit_csv": (("GET", ADMIN_ONLY),),
    "access_review": (("GET", ADMIN_ONLY),),
    "people": (("GET", ADMIN_ONLY),),
    "person_new": (("GET", ADMIN_ONLY),),
    "person": (("GET", ADMIN_ONLY),),
    "person_roles": (("POST", ADMIN_ONLY),),
    "person_active": (("POST", ADMIN_ONLY),),
    "organisations": (("GET", WEB_READERS),),
    "organisation": (("GET", WEB_READERS),),
    "organisation_new": (("GET", SECRETARIAT_OR_ADMIN),),
    "organisation_edit": (("GET", SECRETARIAT_OR_ADMIN),),
    # REST API v1
    "goal-list": (("GET", API_READERS),),
    "goal-detail": (("GET", API_READERS),),
    "sub-goal-list": (("GET", API_READERS),),
    "indicator-list": (("GET", API_READERS), ("POST", SECRETARIAT_ONLY)),
    "indicator-detail": (("GET", API_READERS), ("PATCH", SECRETARIAT_ONLY)),
    "indicator-progress": (("GET", API_READERS),),
    "indicator-values": (("GET", API_READERS), ("POST", VALUE_WRITERS)),
    "values-bulk": (("POST", VALUE_WRITERS),),
    "breakdown-list": (("GET", API_READERS),),
    "breakdown-detail": (("GET", API_READERS),),
    "values-approve": (("POST", APPROVER_ONLY),),
    "values-reject": (("POST", APPROVER_ONLY),),
    "initiative-list": (("GET", API_READERS),),
    "initiative-detail": (("GET", API_READERS),),
    "delivery-list": (("GET", API_READERS),),
    "council-list": (("GET", API_READERS),),
    "meeting-list": (("GET", API_READERS),),
    "meeting-detail": (("GET", API_READERS),),
    "decision-list": (("GET", API_READERS),),
    "api-schema": (("GET", API_READERS),),
    "api-docs": (("GET", API_READERS),),
}
