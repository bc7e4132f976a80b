"""Generate the Python gRPC/protobuf stubs from proto/ into libs/contracts/src (package ``wuye``).

Generated code is never edited or committed; ``make proto`` (and every target that needs it) runs this.
Exits non-zero when protoc reports an error, so a broken contract fails the build.
"""

from __future__ import annotations

import shutil
import sys
from importlib import resources
from pathlib import Path

from grpc_tools import protoc

ROOT = Path(__file__).resolve().parent.parent
PROTO = ROOT / "proto"
OUT = ROOT / "libs" / "contracts" / "src"


def main() -> int:
    sources = sorted(str(path.relative_to(PROTO)) for path in PROTO.rglob("*.proto"))
    generated = OUT / "wuye"
    shutil.rmtree(generated, ignore_errors=True)
    OUT.mkdir(parents=True, exist_ok=True)
    well_known = str(resources.files("grpc_tools") / "_proto")
    # typed stubs (mypy-protobuf) for the messages and the grpc.aio servicers and stubs: the type checker
    # holds every entry point to the contract
    plugins = Path(sys.executable).parent
    status = protoc.main(
        [
            "grpc_tools.protoc",
            f"-I{PROTO}",
            f"-I{well_known}",
            f"--plugin=protoc-gen-mypy={plugins / 'protoc-gen-mypy'}",
            f"--plugin=protoc-gen-mypy_grpc={plugins / 'protoc-gen-mypy_grpc'}",
            f"--python_out={OUT}",
            f"--mypy_out=quiet:{OUT}",
            f"--grpc_python_out={OUT}",
            f"--mypy_grpc_out=quiet,only_async:{OUT}",
            *sources,
        ]
    )
    if status != 0:
        print(f"protoc failed with status {status}", file=sys.stderr)
        return status
    # regular packages (not namespace packages) so tools and importlib.resources see them
    for folder in [generated, *[p for p in generated.rglob("*") if p.is_dir()]]:
        (folder / "__init__.py").touch()
    print(f"generated stubs for {len(sources)} proto files into {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
