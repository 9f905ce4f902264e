from rest_framework.routers import SimpleRouter

from funds.ledger import api

router = SimpleRouter()
router.register("ledger/accounts", api.LedgerAccountViewSet, basename="ledger-account")
router.register("ledger/entries", api.LedgerEntryViewSet, basename="ledger-entry")

urlpatterns = router.urls
