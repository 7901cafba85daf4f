"""Handover to people: cases, staff, office hours, and the staff groups' forum topics."""
