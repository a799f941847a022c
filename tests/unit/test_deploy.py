"""The deploy files (deploy/): Kubernetes manifests valid against the Kubernetes schema (offline, with
kubernetes-validate's bundled schemas), and wired to each other; the nginx configurations sticky and
websocket-ready; the Dockerfile non-root, health-checked and on the CPU build of torch.

Each file is parsed (YAML, nginx's block syntax, Dockerfile instructions), so a check reads the
structure a server would read, not a word anywhere in the text."""
from __future__ import annotations

import copy
import json
import re
import shlex
from pathlib import Path
from string import Template

import kubernetes_validate
import pytest
import tomllib
import yaml

pytestmark = pytest.mark.unit

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
ROOT = DEPLOY.parent
K8S_VERSION = "1.30"
HEALTH = "/_stcore/health"
STREAM = "/_stcore/stream"


# ---- Kubernetes -------------------------------------------------------------------------------

def manifests() -> dict[str, dict]:
    """Every resource in deploy/kubernetes/, by kind (one resource of each kind)."""
    found: dict[str, dict] = {}
    for path in sorted((DEPLOY / "kubernetes").glob("*.yaml")):
        for doc in yaml.safe_load_all(path.read_text()):
            if doc:
                assert doc["kind"] not in found, f"two {doc['kind']} resources"
                found[doc["kind"]] = doc
    return found


def container(deployment: dict) -> dict:
    (only,) = deployment["spec"]["template"]["spec"]["containers"]
    return only


def container_port(deployment: dict, port: int | str) -> int:
    """A probe's or a Service's port (a number, or the name of a container port) as a number."""
    ports = {p.get("name"): p["containerPort"] for p in container(deployment)["ports"]}
    return ports[port] if isinstance(port, str) else port


def test_the_four_resources_are_there():
    assert set(manifests()) == {"Deployment", "Service", "Ingress", "HorizontalPodAutoscaler"}


@pytest.mark.parametrize("kind", ["Deployment", "Service", "Ingress", "HorizontalPodAutoscaler"])
def test_every_manifest_is_valid_against_the_kubernetes_schema(kind):
    assert kubernetes_validate.validate(manifests()[kind], K8S_VERSION, strict=True) == K8S_VERSION


def test_the_schema_check_rejects_a_misspelt_or_mistyped_field():
    deployment = manifests()["Deployment"]
    misspelt = copy.deepcopy(deployment)
    misspelt["spec"]["replica"] = misspelt["spec"].pop("replicas")
    mistyped = copy.deepcopy(deployment)
    container(mistyped)["ports"][0]["containerPort"] = "eighty"
    for broken in (misspelt, mistyped):
        with pytest.raises(kubernetes_validate.ValidationError):
            kubernetes_validate.validate(broken, K8S_VERSION, strict=True)


def test_probes_ask_the_health_endpoint_on_the_container_port():
    deployment = manifests()["Deployment"]
    app = container(deployment)
    assert deployment["spec"]["replicas"] >= 2
    for probe in ("readinessProbe", "livenessProbe"):
        get = app[probe]["httpGet"]
        assert get["path"] == HEALTH
        assert container_port(deployment, get["port"]) == dockerfile_exposed_port()


def test_requests_fit_under_limits():
    resources = container(manifests()["Deployment"])["resources"]
    assert parse_quantity(resources["requests"]["memory"]) <= parse_quantity(resources["limits"]["memory"])
    assert parse_quantity(resources["requests"]["cpu"]) <= parse_quantity(resources["limits"]["cpu"])


def parse_quantity(text: str) -> float:
    """A Kubernetes quantity ("500m", "600Mi", "1Gi", "2") as a plain number."""
    units = {"m": 1e-3, "": 1, "Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "k": 1e3, "M": 1e6, "G": 1e9}
    number, unit = re.fullmatch(r"([0-9.]+)([A-Za-z]*)", str(text)).groups()
    return float(number) * units[unit]


def test_the_pods_run_as_the_images_non_root_user():
    pod = manifests()["Deployment"]["spec"]["template"]["spec"]
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["runAsUser"] == dockerfile_user_id() != 0


def test_service_selects_the_pods_and_reaches_the_container_port():
    kinds = manifests()
    deployment, service = kinds["Deployment"], kinds["Service"]
    pod_labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert service["spec"]["selector"].items() <= pod_labels.items()
    assert deployment["spec"]["selector"]["matchLabels"].items() <= pod_labels.items()
    for port in service["spec"]["ports"]:
        assert container_port(deployment, port["targetPort"]) == dockerfile_exposed_port()


def test_ingress_routes_to_the_service_with_cookie_affinity():
    kinds = manifests()
    ingress, service = kinds["Ingress"], kinds["Service"]
    notes = ingress["metadata"]["annotations"]
    assert notes["nginx.ingress.kubernetes.io/affinity"] == "cookie"
    assert notes["nginx.ingress.kubernetes.io/session-cookie-name"]
    assert int(notes["nginx.ingress.kubernetes.io/proxy-read-timeout"]) >= 3600   # a lesson-long websocket
    service_ports = {p["port"] for p in service["spec"]["ports"]} | {p.get("name") for p in service["spec"]["ports"]}
    backends = [path["backend"]["service"] for rule in ingress["spec"]["rules"] for path in rule["http"]["paths"]]
    assert backends
    for backend in backends:
        assert backend["name"] == service["metadata"]["name"]
        assert backend["port"].get("number", backend["port"].get("name")) in service_ports


def test_the_autoscaler_scales_the_deployment_on_cpu():
    kinds = manifests()
    hpa, deployment = kinds["HorizontalPodAutoscaler"], kinds["Deployment"]
    target = hpa["spec"]["scaleTargetRef"]
    assert (target["apiVersion"], target["kind"], target["name"]) == (
        deployment["apiVersion"], "Deployment", deployment["metadata"]["name"])
    assert hpa["spec"]["minReplicas"] <= deployment["spec"]["replicas"] <= hpa["spec"]["maxReplicas"]
    (metric,) = hpa["spec"]["metrics"]
    assert metric["resource"]["name"] == "cpu" and 0 < metric["resource"]["target"]["averageUtilization"] <= 100


# ---- nginx ------------------------------------------------------------------------------------

def parse_nginx(text: str) -> list:
    """nginx's block syntax as a tree: [(name, [args], children or None)]. Quotes and comments as nginx reads them."""
    tokens = re.findall(r'"(?:[^"\\]|\\.)*"|\'[^\']*\'|#[^\n]*|[{};]|[^\s{};"\'#]+', text)
    stack: list[list] = [[]]
    words: list[str] = []
    for token in tokens:
        if token.startswith("#"):
            continue
        if token in ("{", ";"):
            block: list | None = [] if token == "{" else None
            stack[-1].append((words[0], words[1:], block))
            if block is not None:
                stack.append(block)
            words = []
        elif token == "}":
            assert not words, f"unterminated directive {words}"
            stack.pop()
        else:
            words.append(token[1:-1] if token[0] in "\"'" else token)
    assert len(stack) == 1 and not words, "unbalanced braces"
    return stack[0]


def blocks(tree: list, name: str) -> list[tuple]:
    return [d for d in tree if d[0] == name and d[2] is not None]


def args_of(scopes: list[list], name: str) -> list[list[str]]:
    """A directive's arguments as nginx applies them: the innermost scope that sets it wins."""
    for scope in reversed(scopes):
        found = [d[1] for d in scope if d[0] == name and d[2] is None]
        if found:
            return found
    return []


def check_proxy(tree: list) -> list:
    """The checks both configurations share; returns the upstream block's directives."""
    (http,) = blocks(tree, "http")
    (upstream,) = blocks(http[2], "upstream")
    name, body = upstream[1][0], upstream[2]
    (hash_args,) = args_of([body], "hash")
    assert "consistent" in hash_args[1:]
    key = hash_args[0]
    maps = {d[1][1]: d[1][0] for d in blocks(http[2], "map")}        # map's result variable -> its source
    assert key == "$remote_addr" or maps.get(key, "").startswith("$cookie_"), f"hash on {key} is not sticky"
    upgrade_map = {d[1][1] for d in blocks(http[2], "map") if d[1][0] == "$http_upgrade"}
    (server,) = blocks(http[2], "server")
    locations = {d[1][-1]: d[2] for d in blocks(server[2], "location")}
    assert {HEALTH, STREAM} <= set(locations)
    for body_ in locations.values():
        assert args_of([http[2], server[2], body_], "proxy_pass") == [[f"http://{name}"]]
    stream = [http[2], server[2], locations[STREAM]]
    assert args_of(stream, "proxy_http_version") == [["1.1"]]
    headers = {a[0]: a[1] for a in args_of(stream, "proxy_set_header")}
    assert headers["Upgrade"] == "$http_upgrade"
    assert headers["Host"] == "$host"        # a location that sets any header must set them all
    assert headers["Connection"] in upgrade_map | {"upgrade"}
    (timeout,) = args_of(stream, "proxy_read_timeout")
    assert int(timeout[0].rstrip("s")) >= 3600
    return body


def test_nginx_conf_is_sticky_and_upgrades_the_websocket():
    upstream = check_proxy(parse_nginx((DEPLOY / "nginx" / "nginx.conf").read_text()))
    (server,) = args_of([upstream], "server")
    assert server[0] == f"app:{dockerfile_exposed_port()}"         # compose's service name, the image's port


def test_local_template_renders_a_sticky_proxy_for_the_ports_it_is_given():
    ports = [18601, 18602, 18603]
    text = Template((DEPLOY / "nginx" / "local.conf.template").read_text()).safe_substitute(
        LISTEN_PORT="18600", RUN_DIR="/run/dir",
        UPSTREAM_SERVERS=" ".join(f"server 127.0.0.1:{p};" for p in ports))
    assert "${" not in text
    tree = parse_nginx(text)
    upstream = check_proxy(tree)
    assert [a[0] for a in args_of([upstream], "server")] == [f"127.0.0.1:{p}" for p in ports]
    (http,) = blocks(tree, "http")
    (server,) = blocks(http[2], "server")
    assert args_of([server[2]], "listen") == [["127.0.0.1:18600"]]
    assert args_of([tree], "pid") == [["/run/dir/nginx.pid"]]


def test_the_nginx_parser_sees_a_missing_upgrade_header():
    conf = (DEPLOY / "nginx" / "nginx.conf").read_text()
    broken = conf.replace("proxy_set_header Upgrade $http_upgrade;", "")
    assert broken != conf
    with pytest.raises(KeyError):
        check_proxy(parse_nginx(broken))


# ---- Dockerfile and compose ---------------------------------------------------------------------

def dockerfile_stages() -> list[list[tuple[str, str]]]:
    """deploy/Dockerfile as stages of (INSTRUCTION, arguments), continuation lines joined."""
    text = re.sub(r"\\\n", " ", (DEPLOY / "Dockerfile").read_text())
    stages: list[list[tuple[str, str]]] = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        instruction, _, rest = line.partition(" ")
        if instruction.upper() == "FROM":
            stages.append([])
        stages[-1].append((instruction.upper(), rest.strip()))
    return stages


def final_stage(instruction: str) -> list[str]:
    return [rest for name, rest in dockerfile_stages()[-1] if name == instruction]


def exec_form(rest: str) -> list[str]:
    return json.loads(rest) if rest.startswith("[") else shlex.split(rest)


def dockerfile_exposed_port() -> int:
    (port,) = final_stage("EXPOSE")
    return int(port)


def dockerfile_user_id() -> int:
    (user,) = final_stage("USER")
    return int(user.split(":")[0])


def test_the_image_is_slim_python_and_runs_as_a_non_root_user_to_the_end():
    stage = dockerfile_stages()[-1]
    assert stage[0][1].split()[0] == "python:3.11-slim"
    names = [name for name, _ in stage]
    assert names.index("USER") > max(i for i, name in enumerate(names) if name == "RUN")
    assert names.index("USER") < names.index("CMD")
    assert dockerfile_user_id() != 0


def test_the_image_installs_the_cpu_torch_the_app_pins_before_anything_that_needs_torch():
    pinned = re.search(r"^torch==(\S+)", (ROOT / "requirements.txt").read_text(), re.M).group(1)
    runs = [shlex.split(rest) for rest in final_stage("RUN")]
    torch_run = next(i for i, words in enumerate(runs) if f"torch=={pinned}" in words)
    words = runs[torch_run]
    assert words[words.index("--index-url") + 1] == "https://download.pytorch.org/whl/cpu"
    later = [i for i, words in enumerate(runs) if "install" in words and "-r" in words]
    assert later and min(later) > torch_run


def test_the_image_serves_the_app_on_its_port_and_checks_its_health():
    command = exec_form(final_stage("CMD")[0])
    port = str(dockerfile_exposed_port())
    assert command[:2] == ["rnnviz", "app"]
    assert command[command.index("--server.port") + 1] == port
    assert command[command.index("--server.address") + 1] == "0.0.0.0"
    (check,) = final_stage("HEALTHCHECK")
    probe = exec_form(check.split("CMD", 1)[1].strip())
    assert probe[0] == "python" and f"http://localhost:{port}{HEALTH}" in probe[-1]


def test_every_file_the_image_copies_from_the_checkout_exists():
    for stage in dockerfile_stages():
        for name, rest in stage:
            if name == "COPY" and not rest.startswith("--from"):
                for source in shlex.split(rest)[:-1]:
                    assert (ROOT / source).exists(), source


def test_compose_runs_the_image_behind_the_checked_nginx_conf():
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())["services"]
    assert compose["app"]["image"] == container(manifests()["Deployment"])["image"]
    assert compose["app"]["deploy"]["replicas"] >= 2
    assert compose["nginx"]["depends_on"]["app"]["condition"] == "service_healthy"
    mounts = [volume.split(":") for volume in compose["nginx"]["volumes"]]
    assert [(DEPLOY / src).resolve() for src, dst, *_ in mounts if dst == "/etc/nginx/nginx.conf"] == [
        (DEPLOY / "nginx" / "nginx.conf").resolve()]


def test_the_wheel_the_image_installs_carries_every_file_the_package_reads():
    """The image runs the installed wheel, not the checkout: a file beside the code that
    pyproject.toml's package-data misses is absent there (every page then fails on import)."""
    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["rnnviz"]
    package = ROOT / "rnnviz"
    shipped = {path for pattern in patterns for path in package.glob(pattern) if path.is_file()}
    data = {path for path in package.rglob("*")
            if path.is_file() and path.suffix not in (".py", ".pyc") and "__pycache__" not in path.parts}
    assert sorted(str(p.relative_to(package)) for p in data - shipped) == []
