"""The synthetic clinic generator.

``synthetic`` plans clinics, staff and patients from a seed in plain Python
(no Django); ``load`` writes a plan through the models.  ``remit generate``
and ``remit demo`` (``remit/web/management/commands``) drive both.
"""
