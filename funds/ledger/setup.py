"""The ledger's part of FundsConfig.ready(): roles, history pages, import kind."""


def ready() -> None:
    from accountability.platform.history import register_history_pages
    from funds.ledger import admin, importers, roles  # noqa: F401  (admin pages, the fund_entries import kind)

    roles.contribute()
    register_history_pages(ledger_account="funds.LedgerAccount")
