"""Periodic evaluation, supervision group and experience-sharing events."""
