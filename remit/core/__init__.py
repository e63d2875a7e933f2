"""Remit's clinical knowledge as plain typed Python.

Nothing under this package imports Django or touches a database: instruments
and scoring, screening rules, dosing, schedules, outcome classification and
analytics are functions of plain values, so they can be read, tested and
reused on their own.
"""
