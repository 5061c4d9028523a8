"""The container files (deploy/) describe the shape scripts/run_scaled.sh proves.

No Docker engine here: the images cannot be built in this test. What can be checked is checked:
the compose file parses and has the script's services, ports, store settings and secrets (from
the environment only); its nginx config has the script's upstreams and proxy rules and passes
`nginx -t`; the action image installs everything the action server imports.
"""
import importlib.metadata
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.rasa_support import ROOT

DEPLOY = ROOT / "deploy"
SCRIPT = (ROOT / "scripts" / "run_scaled.sh").read_text()


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((DEPLOY / "docker-compose.yml").read_text())


def services_named(compose, prefix):
    return sorted(name for name in compose["services"] if re.fullmatch(rf"{prefix}-\d+", name))


def test_compose_runs_the_scripts_shape(compose):
    assert {"postgres", "redis", "nginx"} <= set(compose["services"])
    assert len(services_named(compose, "rasa")) >= 2 and len(services_named(compose, "actions")) == 2
    for name in services_named(compose, "rasa"):
        assert compose["services"][name]["build"]["dockerfile"] == "deploy/Dockerfile.rasa"
    for name in services_named(compose, "actions"):
        assert compose["services"][name]["build"]["dockerfile"] == "deploy/Dockerfile.actions"
    # The public port is the script's default, on localhost unless asked otherwise.
    public = re.search(r'public_port="\$\{PUBLIC_PORT:-(\d+)\}"', SCRIPT).group(1)
    assert compose["services"]["nginx"]["ports"] == [f"${{PUBLIC_BIND:-127.0.0.1}}:{public}:{public}"]


def test_every_rasa_server_gets_every_setting_the_endpoints_file_reads(compose):
    needed = set(re.findall(r"\$\{(\w+)\}", (DEPLOY / "endpoints.scaled.yml").read_text()))
    exported = set()
    for line in re.findall(r"^export (.+)$", SCRIPT, re.MULTILINE):
        exported |= set(re.findall(r"(\w+)=", line))
    assert needed <= exported, needed - exported  # the script sets each one
    for name in services_named(compose, "rasa"):
        environment = compose["services"][name]["environment"]
        assert needed <= set(environment), (name, needed - set(environment))
        assert environment["ACTION_ENDPOINT_URL"] == "http://nginx:5150/webhook"
        assert "RASA_AUTH_TOKEN" in environment


def test_secrets_come_from_the_environment_only(compose):
    for service, spec in compose["services"].items():
        for key, value in (spec.get("environment") or {}).items():
            if re.search(r"PASSWORD|TOKEN|SECRET", key):
                assert re.fullmatch(r"\$\{\w+:\?[^}]+\}", value), (service, key, value)
    # ...and the Rasa image refuses to start without a token, as the script does.
    entrypoint = (DEPLOY / "rasa-entrypoint.sh").read_text()
    assert '--auth-token "$RASA_AUTH_TOKEN"' in entrypoint and 'if [ -z "${RASA_AUTH_TOKEN:-}" ]' in entrypoint
    assert "--endpoints deploy/endpoints.scaled.yml" in entrypoint


def test_compose_nginx_has_the_scripts_upstreams_and_proxy_rules(compose):
    conf = (DEPLOY / "nginx" / "compose.conf").read_text()
    upstreams = {name: re.findall(r"server (\S+) ", body)
                 for name, body in re.findall(r"upstream (\w+) \{(.*?)\}", conf, re.DOTALL)}
    rasa = [f"{name}:5005" for name in services_named(compose, "rasa")]
    actions = [f"{name}:5055" for name in services_named(compose, "actions")]
    assert upstreams == {"rasa_servers": rasa, "rasa_servers_sticky": rasa, "action_servers": actions}
    for snippet in ["log_format.conf", "rasa_proxy.conf", "socketio_proxy.conf", "action_proxy.conf"]:
        assert f"loan-assistant/{snippet}" in conf and f"deploy/nginx/{snippet}" in SCRIPT, snippet
    for balancing in ["upstream rasa_servers { least_conn;", "upstream rasa_servers_sticky { hash $remote_addr consistent;",
                      "upstream action_servers { least_conn;"]:
        assert balancing in conf and balancing.replace("$", "\\$") in SCRIPT, balancing


def test_compose_nginx_config_is_valid(tmp_path):
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if not nginx:
        pytest.skip("nginx is not installed (scripts/run_scaled.sh installs it)")
    # Service names resolve only inside compose: map them to localhost, the snippets to deploy/nginx.
    conf = (DEPLOY / "nginx" / "compose.conf").read_text()
    conf = re.sub(r"server (rasa|actions)-\d+:", "server 127.0.0.1:", conf)
    conf = conf.replace("/etc/nginx/loan-assistant/", f"{DEPLOY}/nginx/")
    conf = conf.replace("access_log /dev/stdout", f"access_log {tmp_path}/access.log")
    conf = conf.replace("events {", f"pid {tmp_path}/nginx.pid;\nevents {{")
    (tmp_path / "nginx.conf").write_text(conf)
    check = subprocess.run([nginx, "-t", "-c", str(tmp_path / "nginx.conf"), "-p", str(tmp_path),
                            "-e", str(tmp_path / "error.log")], capture_output=True, text=True, timeout=30)
    assert check.returncode == 0, check.stderr


def test_the_action_image_installs_everything_the_action_server_imports():
    dockerfile = (DEPLOY / "Dockerfile.actions").read_text()
    installed = re.search(r"RUN pip install (.*?) -c requirements/constraints.txt", dockerfile).group(1).split()
    # Import the action registry with the Rasa server package (and TensorFlow) made unimportable,
    # as in the image, and list the distributions it loaded.
    probe = (
        "import sys, importlib.abc\n"
        "class Block(importlib.abc.MetaPathFinder):\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in ('rasa', 'tensorflow', 'sklearn'):\n"
        "            raise ImportError('not in the action image: ' + name)\n"
        "sys.meta_path.insert(0, Block())\n"
        "before = {m.split('.')[0] for m in sys.modules}\n"  # the interpreter's own and .pth files'
        "import actions.actions\n"
        "print(' '.join(sorted({m.split('.')[0] for m in sys.modules} - before)))\n")
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-3000:]
    by_module = _module_distributions()
    loaded = {dist for module in out.stdout.split() for dist in by_module.get(module, [])}
    reachable = _with_dependencies(installed)
    missing = {d for d in loaded if _normal(d) not in reachable}
    assert not missing, f"the action image lacks {missing}"


def _module_distributions():
    """{top-level module: [distribution, ...]} from each installed distribution's file list
    (importlib's packages_distributions() on 3.10 reads only top_level.txt, which poetry-built
    wheels such as rasa-sdk lack)."""
    found = {}
    for dist in importlib.metadata.distributions():
        for file in dist.files or []:
            top = file.parts[0]
            if top.endswith((".dist-info", ".data")) or top in ("..", "__pycache__"):
                continue
            module = top[:-3] if top.endswith(".py") else top.split(".")[0]
            found.setdefault(module, set()).add(dist.metadata["Name"])
    return found


def _normal(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def _with_dependencies(names):
    """The distributions `pip install names` brings in (from the installed metadata)."""
    seen, todo = set(), [_normal(n) for n in names]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        try:
            requires = importlib.metadata.requires(name) or []
        except importlib.metadata.PackageNotFoundError:
            continue
        for requirement in requires:
            if "extra ==" in requirement:
                continue
            todo.append(_normal(re.match(r"[A-Za-z0-9_.\-]+", requirement).group(0)))
    return seen
