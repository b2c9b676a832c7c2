"""Domain types and the validation rules shared by the forms, the importer and the demo store."""
