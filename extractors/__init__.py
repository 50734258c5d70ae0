"""Contract PDF to ContractRecord: text layer, spaCy rule pipeline, one module per field family.

Start at `extractors.pipeline.extract_record`; each field comes from its own module
(`parties`, `dates`, `term`, `renewal`, `governing_law`, `sla`, `penalties`, `clauses`,
`title`), and every rule vocabulary lives as data in `patterns/`.
"""
