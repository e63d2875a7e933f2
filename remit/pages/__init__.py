"""Helpers every app's pages share: form errors from actions, the patient chart's sections.

A bottom layer: it imports no app (the shell, ``remit.wiring``, registers the
chart sections), so any app's views may use it.
"""
