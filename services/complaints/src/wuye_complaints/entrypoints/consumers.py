"""What the complaints service consumes: the registry read models of where compounds lie and who serves
them (kept by the chassis); it has no consumers of its own."""

from wuye_chassis import compounds, directory

READ_MODELS = (directory.JURISDICTIONS, compounds.COMPOUNDS)
