#!/usr/bin/env python3
"""Independent verifier of a Lotse export, written from docs/verification.md alone.

    verify_export.py EXPORT [--manifest manifest.json] [--public-key key.pem] [--format csv|ndjson]

Prints one JSON report and exits 0 when every check passes, 1 otherwise (2 on bad usage).
Needs Python 3 and, for the signature, the `cryptography` package (Debian: python3-cryptography).
"""

import argparse
import csv
import hashlib
import io
import itertools
import json
import re
import sys

GENESIS = "0" * 64

# Section 2: the hashed fields of each format and their types.
CASE_V1 = {
    "caseRef": "string", "seq": "integer", "at": "string", "event": "string", "fromPhase": "string?",
    "toPhase": "string", "statusBefore": "string?", "statusAfter": "string", "actorType": "string",
    "actorRef": "string?", "reasonCode": "string?", "outcome": "string?", "followUpOn": "string?",
    "machineVersion": "integer", "daysInPhase": "integer?", "textDigest": "string?",
}
RESET_V1 = {
    "analysisRef": "string", "seq": "integer", "at": "string", "event": "string", "fromState": "string",
    "toState": "string", "actorRef": "string?", "payload": "object", "machineVersion": "integer",
    "textDigest": "string?",
}
FORMATS = {
    "caseRef": {1: CASE_V1, 2: {**CASE_V1, "officeCode": "string", "resetAnalysisRef": "string?"}},
    "analysisRef": {1: RESET_V1, 2: {**RESET_V1, "officeCode": "string", "actorType": "string"}},
}
INTEGER = re.compile(r"^-?(0|[1-9][0-9]*)$")
AT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")
GUARDED = re.compile(r"^'+[=+\-@\t\r]")
GERMAN_DATE = re.compile(r"^(\d{2})\.(\d{2})\.(\d{4})$")


class Malformed(Exception):
    pass


def jcs(value):
    """RFC 8785 for the values an export holds: objects, strings, integers, booleans, null."""
    if isinstance(value, dict):
        keys = sorted(value, key=lambda k: k.encode("utf-16-be"))
        return "{" + ",".join(json.dumps(k, ensure_ascii=False) + ":" + jcs(value[k]) for k in keys) + "}"
    if isinstance(value, list):
        return "[" + ",".join(jcs(v) for v in value) + "]"
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise Malformed("non-finite number")
        if value.is_integer() and abs(value) < 2**53:
            return str(int(value))
        return repr(value)
    return json.dumps(value, ensure_ascii=False)


def sha256_hex(data):
    return hashlib.sha256(data).hexdigest()


def cell_value(kind, value, from_text):
    """Section 4: a cell as the JSON value of its field's type."""
    if from_text:
        if value == "":
            value = None
        elif isinstance(value, str) and GUARDED.match(value):
            value = value[1:]
    if kind in ("integer", "integer?"):
        if value is None:
            if kind == "integer":
                raise Malformed("missing integer")
            return None
        if isinstance(value, bool):
            raise Malformed("not an integer")
        if isinstance(value, int):
            return value
        if isinstance(value, str) and INTEGER.match(value):
            return int(value)
        raise Malformed("not an integer")
    if kind == "object":
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError as e:
                raise Malformed("payload is not JSON") from e
        if not isinstance(value, dict):
            raise Malformed("payload is not an object")
        return value
    if value is None:
        if kind == "string":
            raise Malformed("missing string")
        return None
    if not isinstance(value, str):
        raise Malformed("not a string")
    return value


def read_rows(data, fmt):
    """Yields (record, from_text) pairs: CSV cells are text, NDJSON values are JSON."""
    if fmt == "ndjson":
        for line in data.decode("utf-8").split("\n"):
            if line.strip():
                yield json.loads(line), False
        return
    text = data.decode("utf-8")
    if text.startswith("\ufeff"):
        text = text[1:]
    first = text.split("\n", 1)[0]
    delimiter = ";" if ";" in first and "," not in first else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"', strict=True)
    header = None
    for cells in reader:
        if not cells:
            continue
        if header is None:
            header = cells
            continue
        if len(cells) != len(header):
            raise Malformed("record with %d cells, header has %d" % (len(cells), len(header)))
        yield dict(zip(header, cells)), True


def row_hash(prev_hash, fmt_number, fields):
    obj = dict(fields)
    obj["v"] = fmt_number
    return sha256_hex((prev_hash + "\n" + jcs(obj)).encode("utf-8"))


def check_chains(rows):
    heads = {}  # ref -> last hash, in order of first appearance
    broken = {}
    count = 0
    current = None  # [ref, prev_hash, next_seq]
    ref_key = None

    def mark(ref, seq, reason):
        broken.setdefault(ref, {"ref": ref, "seq": seq, "reason": reason})

    for record, from_text in rows:
        count += 1
        if ref_key is None:
            ref_key = "analysisRef" if "analysisRef" in record else "caseRef"
        ref = record.get(ref_key) or ""
        try:
            number = cell_value("integer", record.get("chainFormat"), from_text)
        except Malformed:
            number = None
        if number not in FORMATS[ref_key]:
            mark(ref, None, "unknown_format")
            continue
        try:
            fields = {
                name: cell_value(kind, record.get(name), from_text)
                for name, kind in FORMATS[ref_key][number].items()
            }
            german = GERMAN_DATE.match(fields.get("followUpOn") or "") if from_text else None
            if german:  # excel-de writes calendar dates DD.MM.YYYY (section 4)
                fields["followUpOn"] = f"{german.group(3)}-{german.group(2)}-{german.group(1)}"
            if not AT.match(fields["at"]):
                raise Malformed("bad at")
            prev_hash, hash_ = record.get("prevHash"), record.get("hash")
            if not isinstance(prev_hash, str) or not isinstance(hash_, str):
                raise Malformed("missing hash")
        except Malformed:
            mark(ref, None, "malformed_row")
            continue
        seq = fields["seq"]
        if current is None or current[0] != ref:
            if ref in heads:
                mark(ref, seq, "case_out_of_order")
            current = [ref, GENESIS if seq == 1 else prev_hash, seq]
        if seq != current[2]:
            mark(ref, seq, "sequence_gap")
        elif prev_hash != current[1]:
            mark(ref, seq, "prev_hash_mismatch")
        elif row_hash(prev_hash, number, fields) != hash_:
            mark(ref, seq, "hash_mismatch")
        current[1] = hash_
        current[2] = seq + 1
        heads[ref] = hash_
    digest = sha256_hex("".join("%s %s\n" % (r, h) for r, h in heads.items()).encode("utf-8"))
    return {"rows": count, "chains": len(heads), "headsSha256": digest, "broken": list(broken.values())}


def count_participants(rows):
    """ESF Plus participant files (section 9): rows without chains, counted."""
    count = 0
    broken = []
    for record, _from_text in rows:
        count += 1
        if not record.get("participantId") and not broken:
            broken.append({"ref": "", "seq": None, "reason": "malformed_row"})
    return {"rows": count, "chains": count, "headsSha256": sha256_hex(b""), "broken": broken}


def check_rows(rows, kind):
    rows = iter(rows)
    first = next(rows, None)
    if first is None:
        return count_participants([]) if kind == "esf-participants" else check_chains([])
    chained = itertools.chain([first], rows)
    if kind == "esf-participants" or (kind is None and "participantId" in first[0]):
        return count_participants(chained)
    return check_chains(chained)


def check_manifest(manifest, public_key_pem, data, chains):
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    from cryptography.hazmat.primitives.serialization import load_pem_public_key
    import base64

    unsigned = {k: v for k, v in manifest.items() if k not in ("signature", "chainHeads")}
    signature_valid = False
    key = load_pem_public_key(public_key_pem.encode("utf-8"))
    if isinstance(key, Ed25519PublicKey) and isinstance(manifest.get("signature"), str):
        try:
            key.verify(base64.b64decode(manifest["signature"], validate=True), jcs(unsigned).encode("utf-8"))
            signature_valid = True
        except (InvalidSignature, ValueError):
            signature_valid = False
    served = manifest.get("chainHeads")
    listed = (
        sha256_hex("".join("%s %s\n" % (r, h) for r, h in served.items()).encode("utf-8"))
        if isinstance(served, dict)
        else manifest.get("chainHeadsSha256")
    )
    return {
        "signatureValid": signature_valid,
        "keyIdMatches": manifest.get("keyId") == sha256_hex(public_key_pem.encode("utf-8"))[:16],
        "digestMatches": manifest.get("sha256") == sha256_hex(data),
        "bytesMatch": manifest.get("bytes") == len(data),
        "rowCountMatches": manifest.get("rowCount") == chains["rows"],
        "chainCountMatches": manifest.get("caseCount") == chains["chains"],
        "headsMatch": listed == manifest.get("chainHeadsSha256") == chains["headsSha256"],
    }


def main(argv):
    parser = argparse.ArgumentParser(description="Verify a Lotse export (docs/verification.md).")
    parser.add_argument("export")
    parser.add_argument("--manifest")
    parser.add_argument("--public-key")
    parser.add_argument("--format", choices=["csv", "ndjson"])
    args = parser.parse_args(argv)
    if bool(args.manifest) != bool(args.public_key):
        parser.error("--manifest and --public-key go together")
    with open(args.export, "rb") as f:
        data = f.read()
    fmt = args.format or ("ndjson" if args.export.endswith(".ndjson") else "csv")
    kind = None
    if args.manifest:
        with open(args.manifest, encoding="utf-8") as f:
            kind = json.load(f).get("kind")
    try:
        chains = check_rows(read_rows(data, fmt), kind)
    except (Malformed, ValueError, csv.Error) as e:
        chains = {"rows": 0, "chains": 0, "headsSha256": None, "broken": [{"ref": "", "seq": None, "reason": "unreadable: %s" % e}]}
    report = {"sha256": sha256_hex(data), "bytes": len(data), "chains": chains, "manifest": None}
    if args.manifest:
        with open(args.manifest, encoding="utf-8") as f:
            manifest = json.load(f)
        with open(args.public_key, encoding="utf-8") as f:
            pem = f.read()
        report["manifest"] = check_manifest(manifest, pem, data, chains)
    report["valid"] = not chains["broken"] and (report["manifest"] is None or all(report["manifest"].values()))
    print(json.dumps(report, indent=2))
    return 0 if report["valid"] else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
