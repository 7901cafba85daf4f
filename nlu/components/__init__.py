"""Custom Rasa components of the Lotse NLU project."""
