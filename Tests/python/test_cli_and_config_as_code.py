"""python-gitlab's command line and a YAML config-as-code workflow driving `grove serve`.

Run by GroveServerTests (which starts the server and creates an api+sudo token), or by hand:
    GROVE_URL=http://127.0.0.1:8080 GROVE_TOKEN=glpat-... python3 Tests/python/test_cli_and_config_as_code.py
"""
import json
import os
import subprocess
import sys
import tempfile

import gitlab
import yaml

from checks import check, run

URL = os.environ["GROVE_URL"]
TOKEN = os.environ["GROVE_TOKEN"]
gl = gitlab.Gitlab(URL, private_token=TOKEN)
CLI = os.path.join(os.path.dirname(sys.executable), "gitlab")

config = tempfile.NamedTemporaryFile("w", suffix=".cfg", delete=False)
config.write(f"[global]\ndefault = grove\nssl_verify = false\ntimeout = 30\n\n[grove]\nurl = {URL}\nprivate_token = {TOKEN}\napi_version = 4\n")
config.close()

def cli(*args, output="json"):
    """`gitlab -c FILE [-o json] ARGS`; its parsed JSON output (or text)."""
    command = [CLI, "-c", config.name] + (["-o", output] if output else []) + list(args)
    done = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, f"{' '.join(args)} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
    return json.loads(done.stdout) if output == "json" and done.stdout.strip() else done.stdout


def user(username):
    found = gl.users.list(username=username)
    return found[0] if found else gl.users.create({"username": username, "email": f"{username}@example.com", "name": username.title()})


@check
def cli_groups_subgroups_members_projects():
    created = cli("group", "create", "--name", "CLI Team", "--path", "cli-team", "--description", "made by the CLI")
    assert created["full_path"] == "cli-team" and created["description"] == "made by the CLI", created
    sub = cli("group", "create", "--name", "Tools", "--path", "tools", "--parent-id", str(created["id"]))
    assert sub["full_path"] == "cli-team/tools", sub
    listed = cli("group", "list", "--search", "cli")
    assert "cli-team" in [g["full_path"] for g in listed], listed
    got = cli("group", "get", "--id", "cli-team")
    assert got["id"] == created["id"], got
    cli("group", "update", "--id", "cli-team", "--description", "changed by the CLI")
    assert cli("group", "get", "--id", str(created["id"]))["description"] == "changed by the CLI"
    subgroups = cli("group-subgroup", "list", "--group-id", "cli-team")
    assert [g["full_path"] for g in subgroups] == ["cli-team/tools"], subgroups
    carol = user("cli-carol")
    member = cli("group-member", "create", "--group-id", "cli-team", "--user-id", str(carol.id), "--access-level", "30")
    assert member["username"] == "cli-carol" and member["access_level"] == 30, member
    members = cli("group-member", "list", "--group-id", "cli-team")
    assert sorted(m["username"] for m in members) == ["cli-carol", "root"], members
    inherited = cli("group-member-all", "list", "--group-id", "cli-team/tools")
    assert sorted(m["username"] for m in inherited) == ["cli-carol", "root"], inherited
    project = cli("project", "create", "--name", "Deploy Scripts", "--namespace-id", str(sub["id"]))
    assert project["path_with_namespace"] == "cli-team/tools/deploy-scripts", project
    assert project["namespace"]["full_path"] == "cli-team/tools" and project["namespace"]["parent_id"] == created["id"], project["namespace"]
    namespace = cli("namespace", "get", "--id", "cli-team/tools")
    assert namespace["kind"] == "group" and namespace["id"] == sub["id"], namespace
    # Sudo through the command line: carol sees her group, not root's others.
    mine = cli("group", "list", "--sudo", "cli-carol")
    assert [g["full_path"] for g in mine] == ["cli-team", "cli-team/tools"], mine


CONFIG = """
users:
  - username: cac-alice
  - username: cac-bob
groups:
  - path: platform-cac
    name: Platform
    description: Platform teams
    visibility: private
    members:
      - {username: cac-alice, access_level: 40}
    subgroups:
      - path: api
        name: API
        description: The API team
        members:
          - {username: cac-bob, access_level: 30}
      - path: web
        name: Web
        description: The web team
"""


def apply(config, parent=None, changes=None):
    """Makes GitLab look like `config`, as gitlabform-style tools do: each group is found
    by path through the Namespaces API (its parent first), created when missing, and its
    attributes and members set only where they differ. Returns what it changed."""
    changes = [] if changes is None else changes
    for spec in config:
        full_path = f"{parent.full_path}/{spec['path']}" if parent else spec["path"]
        try:
            namespace = gl.namespaces.get(full_path)
            group = gl.groups.get(namespace.id)
        except gitlab.GitlabGetError as e:
            assert e.response_code == 404, e
            exists = gl.http_get(f"/namespaces/{spec['path']}/exists", query_data={"parent_id": parent.id} if parent else {})
            assert exists["exists"] is False, exists
            attrs = {"name": spec["name"], "path": spec["path"]}
            if parent:
                attrs["parent_id"] = parent.id
            group = gl.groups.create(attrs)
            changes.append(f"create {full_path}")
        dirty = False
        for key in ("name", "description", "visibility"):
            if key in spec and getattr(group, key) != spec[key]:
                setattr(group, key, spec[key])
                dirty = True
        if dirty:
            group.save()
            changes.append(f"update {full_path}")
        for m in spec.get("members", []):
            member_user = gl.users.list(username=m["username"])[0]
            try:
                current = group.members.get(member_user.id)
                if current.access_level != m["access_level"]:
                    current.access_level = m["access_level"]
                    current.save()
                    changes.append(f"role {m['username']} in {full_path}")
            except gitlab.GitlabGetError:
                group.members.create({"user_id": member_user.id, "access_level": m["access_level"]})
                changes.append(f"add {m['username']} to {full_path}")
        apply(spec.get("subgroups", []), group, changes)
    return changes


@check
def yaml_config_as_code_twice():
    desired = yaml.safe_load(CONFIG)
    for u in desired["users"]:
        user(u["username"])
    first = apply(desired["groups"])
    assert first == ["create platform-cac", "update platform-cac", "add cac-alice to platform-cac", "create platform-cac/api",
                     "update platform-cac/api", "add cac-bob to platform-cac/api", "create platform-cac/web",
                     "update platform-cac/web"], first
    second = apply(desired["groups"])
    assert second == [], f"the second run changed {second}"
    api = gl.groups.get("platform-cac/api")
    assert api.description == "The API team"
    effective = {m.username: m.access_level for m in api.members_all.list(get_all=True)}
    assert effective == {"root": 50, "cac-alice": 40, "cac-bob": 30}, effective
    alice = gl.users.list(username="cac-alice")[0]
    memberships = gl.users.get(alice.id).memberships.list(get_all=True)
    assert [(m.source_name, m.source_type, m.access_level) for m in memberships] == [("Platform", "Namespace", 40)], \
        [m.attributes for m in memberships]
    # A change to the config is applied, and only it.
    desired["groups"][0]["subgroups"][1]["description"] = "The web and mobile team"
    assert apply(desired["groups"]) == ["update platform-cac/web"]


if __name__ == "__main__":
    status = run("python-gitlab CLI and config-as-code")
    os.unlink(config.name)
    sys.exit(status)
