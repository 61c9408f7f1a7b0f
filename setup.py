"""The packages of the wheel: ``workbench`` and its subpackages, plus the shipped folders.

The checkout's ``notebooks/``, ``parameters/`` and ``data/sample/`` become the package data
``workbench/_resources/...`` of a wheel without moving (see the comment in pyproject.toml, which
holds everything else).
"""

from setuptools import find_packages, setup

#: Package of the wheel -> the checkout folder it is built from.
RESOURCES = {
    "workbench._resources.notebooks": "notebooks",
    "workbench._resources.parameters": "parameters",
    "workbench._resources.data.sample": "data/sample",
}

setup(packages=find_packages(include=["workbench", "workbench.*"]) + list(RESOURCES), package_dir=RESOURCES)
