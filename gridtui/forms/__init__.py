"""The form engine: checklists the office writes as XLSForm workbooks.

* :mod:`gridtui.forms.expr` parses and evaluates ODK's expression language (the subset forms use);
* :mod:`gridtui.forms.model` is a parsed form: its items, groups and choices, the dependency graph
  of its expressions, and :class:`~gridtui.forms.model.FormState`, one visit's answers evaluated;
* :mod:`gridtui.forms.xlsform` reads a workbook through pyxform (the only module that imports it,
  and only ``form`` and ``campaign`` commands and the demo import it);
* :mod:`gridtui.forms.workbook` writes a parsed form back as a workbook (no pyxform needed).

The engine (``expr``, ``model``) is a leaf: it imports nothing of gridtui but the error class and
the string catalog, so the store can check an answer against its item and a visit can evaluate
its skip logic without loading anything heavy. Forms are stored parsed; a visit never reads a
workbook.
"""
