"""A domain's configuration: the domain itself, its fields (system fields and the options
of single-select fields), layouts, templates and case rules with their evaluator."""
