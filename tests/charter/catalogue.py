"""The rule catalogue of CHARTER.md §4 (stable ids), shared by the charter tests."""

CATALOGUE = (
    "FS-HOR-01", "FS-HOR-02", "FS-HOR-03", "FS-HOR-04", "FS-HOR-05",
    "FS-AGT-01", "FS-AGT-02", "FS-AGT-03", "FS-AGT-04",
    "FS-PAR-01", "FS-PAR-02", "FS-PAR-03",
    "FS-SVC-01", "FS-SVC-02",
    "FS-LOC-01", "FS-LOC-02", "FS-LOC-03", "FS-LOC-04",
    "FS-NET-01", "FS-NET-02", "FS-NET-03",
    "FS-ACT-01", "FS-FIN-01",
)
