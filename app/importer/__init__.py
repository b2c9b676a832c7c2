"""CSV import and export, Qt-free: from any spreadsheet's CSV to the store, and back out.

Reading a file, mapping its columns, planning (the dry run), running the plan against a store,
and writing the current view back out.

The modules, in the order a file passes through them: ``records`` (the types they share),
``reading`` (encoding and delimiter detection, streaming rows), ``mapping`` (headers to customer
fields, remembered per header set), ``planning`` (validation and create/update/skip per row),
``running`` (chunked bulk upload, results per row, failed-rows and undo files, a journal), and
``exporting`` (the current view as a spreadsheet-safe CSV).
"""
