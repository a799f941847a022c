"""The wheel carries the app too: app.py, its pages (views/) and its Streamlit settings are copied
into rnnviz/app/, so `rnnviz app` starts the same app from an installed package (rnnviz.cli.app_cmd).
Everything else about the package is in pyproject.toml."""
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
PAGES = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "views").glob("*.py"))
APP_FILES = ["app.py", ".streamlit/config.toml", *PAGES]


class BuildWithApp(build_py):
    def run(self):
        super().run()
        target = Path(self.build_lib) / "rnnviz" / "app"
        for name in APP_FILES:
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(ROOT / name, target / name)


setup(cmdclass={"build_py": BuildWithApp})
