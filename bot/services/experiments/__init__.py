"""A/B experiments on the copy members receive: assignment, the picker the messages ask, statistics,
and the creator's results (`ExperimentService`)."""

from bot.services.experiments.picker import VariantPicker
from bot.services.experiments.service import ExperimentService

__all__ = ["ExperimentService", "VariantPicker"]
