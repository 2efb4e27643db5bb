"""Billing: Stripe checkout and webhooks, access that follows the subscription, dunning, launch windows,
renewals, reconciliation, and memberships granted by hand. `service.BillingService` is the entry point."""
