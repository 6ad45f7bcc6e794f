/**
 * The program `resolvePython` hands to the project's real interpreter (`python -c INSPECT_SCRIPT`).
 * It only reads metadata through `importlib.metadata` and prints one JSON document (shape:
 * `EnvironmentDump` in ./inspect.ts); every decision about what to analyze is made in TypeScript.
 * Runs on Python 3.8+ with the standard library only (`packaging` is used when importable).
 */
export const INSPECT_SCRIPT = String.raw`
import json, os, re, sys

def emit(doc):
    sys.stdout.write(json.dumps(doc, sort_keys=True))
    sys.stdout.flush()

try:
    import importlib.metadata as md
except ImportError:
    emit({"error": "importlib.metadata is missing: Python 3.8 or newer is needed (found %s)" % sys.version.split()[0]})
    sys.exit(0)

Marker = None
marker_engine = None
for _candidate in ("packaging.markers", "pip._vendor.packaging.markers"):
    try:
        Marker = __import__(_candidate, fromlist=["Marker"]).Marker
        marker_engine = _candidate.rsplit(".", 1)[0]
        break
    except Exception:
        pass

EXTRA_IN_MARKER = re.compile(r"""extra\s*==\s*['"]([^'"]+)['"]""")
NAME_AND_EXTRAS = re.compile(r"^\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(?:\[([^\]]*)\])?")
marker_cache = {}

def marker_applies(marker_text, candidates):
    """(applies without any extra, extras that switch it on); markers parsed once each."""
    if marker_text not in marker_cache:
        try:
            marker_cache[marker_text] = Marker(marker_text)
        except Exception:
            marker_cache[marker_text] = None
    marker = marker_cache[marker_text]
    def applies(extra):
        if marker is None:
            return True
        try:
            return bool(marker.evaluate({"extra": extra}))
        except Exception:
            return True
    if applies(""):
        return True, []
    return False, [extra for extra in candidates if applies(extra)]

def requirement(text, provided_extras):
    """One Requires-Dist line -> {name, extras, when} (when: "always" or the extras enabling it); None if it never applies."""
    head, _, marker_text = text.partition(";")
    marker_text = marker_text.strip()
    match = NAME_AND_EXTRAS.match(head)
    if not match:
        return {"error": "unparseable", "text": text}
    name = match.group(1)
    extras = sorted(e.strip() for e in (match.group(2) or "").split(",") if e.strip())
    if not marker_text:
        return {"name": name, "extras": extras, "when": "always"}
    named = sorted(set(EXTRA_IN_MARKER.findall(marker_text)))
    if Marker is None:
        # No marker engine: keep it, switched on by the extras it names (if any).
        return {"name": name, "extras": extras, "when": named if named else "always"}
    always, enabling = marker_applies(marker_text, sorted(set(provided_extras) | set(named)))
    if always:
        return {"name": name, "extras": extras, "when": "always"}
    return {"name": name, "extras": extras, "when": enabling} if enabling else None

def text_lines(dist, name):
    try:
        text = dist.read_text(name)
    except Exception:
        return None
    if text is None:
        return None
    return [line.strip() for line in text.splitlines() if line.strip()]

def stdlib_names():
    names = getattr(sys, "stdlib_module_names", None)
    if names:
        return sorted(names)
    import sysconfig
    found = set(sys.builtin_module_names)
    paths = sysconfig.get_paths()
    for key in ("stdlib", "platstdlib"):
        base = paths.get(key)
        for folder in (base, os.path.join(base, "lib-dynload") if base else None):
            if not folder or not os.path.isdir(folder):
                continue
            for entry in os.listdir(folder):
                if entry in ("site-packages", "dist-packages"):
                    continue
                stem = entry.split(".", 1)[0]
                if entry.endswith(".py") or entry.endswith(".so") or entry.endswith(".pyd") or os.path.isdir(os.path.join(folder, entry)):
                    found.add(stem)
    return sorted(found)

search_path = [entry for entry in sys.path if entry not in ("", os.getcwd())]
dists = []
problems = []
for index, entry in enumerate(search_path):
    try:
        found = list(md.distributions(path=[entry]))
    except Exception as error:
        problems.append({"file": entry, "reason": "cannot list distributions: %s" % error})
        continue
    found.sort(key=lambda d: str(getattr(d, "_path", "")))
    for dist in found:
        meta_path = getattr(dist, "_path", None)
        meta_path = os.path.abspath(str(meta_path)) if meta_path is not None else None
        try:
            meta = dist.metadata
            name = meta["Name"] if meta is not None else None
        except Exception:
            name = None
        if not name:
            problems.append({"file": meta_path or entry, "reason": "distribution metadata without a Name: ignored"})
            continue
        try:
            site = os.path.abspath(str(dist.locate_file("")))
        except Exception:
            site = os.path.abspath(entry)
        provided = list(meta.get_all("Provides-Extra") or [])
        requires = []
        try:
            # Requires-Dist from the metadata already read; .egg-info keeps them in requires.txt.
            raw_requires = meta.get_all("Requires-Dist")
            if raw_requires is None:
                raw_requires = dist.requires or []
        except Exception as error:
            raw_requires = []
            problems.append({"file": meta_path or site, "reason": "unreadable requirements of %s: %s" % (name, error)})
        for text in raw_requires:
            parsed = requirement(text, provided)
            if parsed is None:
                continue
            if "error" in parsed:
                problems.append({"file": meta_path or site, "reason": "%s: requirement %r not understood (%s)" % (name, parsed["text"], parsed["error"])})
                continue
            requires.append(parsed)
        try:
            files = dist.files
        except Exception:
            files = None
        record = None
        if files is not None:
            py = []
            for item in files:
                if str(item).endswith(".py"):
                    try:
                        py.append(os.path.abspath(str(dist.locate_file(item))))
                    except Exception:
                        pass
            record = {"count": len(files), "py": sorted(set(py))}
        dists.append({
            "name": name,
            "version": meta["Version"] or "",
            "pathIndex": index,
            "site": site,
            "metadataPath": meta_path,
            "requires": requires,
            "topLevel": text_lines(dist, "top_level.txt"),
            "record": record,
        })

packages = None
if hasattr(md, "packages_distributions"):
    try:
        packages = {module: sorted(set(names)) for module, names in md.packages_distributions().items()}
    except Exception as error:
        problems.append({"file": sys.executable, "reason": "packages_distributions() failed: %s" % error})

emit({
    "executable": sys.executable,
    "version": sys.version.split()[0],
    "prefix": sys.prefix,
    "searchPath": search_path,
    "markerEngine": marker_engine,
    "stdlib": stdlib_names(),
    "distributions": dists,
    "packagesDistributions": packages,
    "problems": problems,
})
`;
