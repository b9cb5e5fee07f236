"""python-gitlab driving `grove serve`: every failure here is a wire-compatibility bug.

Run by GroveServerTests (which starts the server and creates the token), or by hand:
    GROVE_URL=http://127.0.0.1:8080 GROVE_TOKEN=glpat-... python3 Tests/python/test_python_gitlab.py
"""
import os
import sys

import gitlab

from checks import check, expect_error, run

URL = os.environ["GROVE_URL"]
TOKEN = os.environ["GROVE_TOKEN"]
gl = gitlab.Gitlab(URL, private_token=TOKEN)
anonymous = gitlab.Gitlab(URL)

@check
def version_and_user():
    version, revision = gl.version()
    assert version.endswith("-grove"), version
    gl.auth()
    assert gl.user.username == "root", gl.user.username


@check
def groups_create_get_update_delete_restore():
    g = gl.groups.create({"name": "Platform", "path": "platform", "description": "the platform"})
    assert g.id > 0 and g.full_path == "platform"
    same = gl.groups.get(g.id)
    assert same.name == "Platform" and same.description == "the platform"
    same.description = "changed"
    same.save()
    assert gl.groups.get("platform").description == "changed"
    api = gl.groups.create({"name": "API", "path": "api", "parent_id": g.id})
    assert gl.groups.get("platform/api").id == api.id  # path-encoded id
    doomed = gl.groups.create({"name": "Doomed", "path": "doomed"})
    doomed.delete()
    marked = gl.groups.get(doomed.id)
    assert marked.marked_for_deletion_on is not None
    marked.restore()
    assert gl.groups.get(doomed.id).marked_for_deletion_on is None
    expect_error(404, lambda: gl.groups.get("no-such-group"), "404 Group Not Found")
    expect_error(400, lambda: gl.groups.create({"name": "Platform again", "path": "platform"}), "has already been taken")


@check
def subgroups_descendants_and_search():
    top = gl.groups.create({"name": "Tree", "path": "tree"})
    a = gl.groups.create({"name": "Tree A", "path": "ta", "parent_id": top.id})
    gl.groups.create({"name": "Tree B", "path": "tb", "parent_id": top.id})
    gl.groups.create({"name": "Tree A1", "path": "ta1", "parent_id": a.id})
    subs = sorted(s.path for s in top.subgroups.list(get_all=True))
    assert subs == ["ta", "tb"], subs
    descendants = sorted(d.full_path for d in top.descendant_groups.list(get_all=True))
    assert descendants == ["tree/ta", "tree/ta/ta1", "tree/tb"], descendants
    found = [g.full_path for g in gl.groups.list(search="Tree A", get_all=True)]
    assert "tree/ta" in found and "tree/tb" not in found, found
    top_level = [g.full_path for g in gl.groups.list(top_level_only=True, get_all=True)]
    assert "tree" in top_level and "tree/ta" not in top_level, top_level


@check
def share_and_unshare():
    a = gl.groups.create({"name": "Share A", "path": "share-a"})
    b = gl.groups.create({"name": "Share B", "path": "share-b"})
    a.share(b.id, gitlab.const.AccessLevel.DEVELOPER)
    shared = gl.groups.get(a.id).shared_with_groups
    assert [s["group_id"] for s in shared] == [b.id], shared
    a.unshare(b.id)
    assert gl.groups.get(a.id).shared_with_groups == []


@check
def transfer():
    src = gl.groups.create({"name": "Move Me", "path": "move-me"})
    dest = gl.groups.create({"name": "Destination", "path": "destination"})
    src.transfer(dest.id)
    assert gl.groups.get(src.id).full_path == "destination/move-me"
    moved = gl.groups.get(src.id)
    moved.transfer()  # back to top level
    assert gl.groups.get(src.id).full_path == "move-me"


@check
def hooks():
    g = gl.groups.create({"name": "Hooked", "path": "hooked"})
    hook = g.hooks.create({"url": "https://example.com/hook", "push_events": True, "merge_requests_events": True})
    assert hook.url == "https://example.com/hook"
    assert [h.id for h in g.hooks.list(get_all=True)] == [hook.id]
    hook.push_events = False
    hook.save()
    assert g.hooks.get(hook.id).push_events is False
    hook.delete()
    assert g.hooks.list(get_all=True) == []


@check
def push_rules():
    g = gl.groups.create({"name": "Rules", "path": "rules"})
    rule = g.pushrules.create({"deny_delete_tag": True, "commit_message_regex": "^JIRA-"})
    assert rule.commit_message_regex == "^JIRA-"
    got = g.pushrules.get()
    assert got.deny_delete_tag is True
    got.commit_message_regex = "^FIX-"
    got.save()
    assert g.pushrules.get().commit_message_regex == "^FIX-"
    got.delete()
    expect_error(404, g.pushrules.get)


@check
def protected_branches():
    g = gl.groups.create({"name": "Protected", "path": "protected"})
    pb = g.protectedbranches.create({"name": "main", "push_access_level": 30, "merge_access_level": 40})
    assert pb.name == "main"
    assert [b.name for b in g.protectedbranches.list(get_all=True)] == ["main"]
    got = g.protectedbranches.get("main")
    assert got.push_access_levels[0]["access_level"] == 30, got.push_access_levels
    g.protectedbranches.create({"name": "release/*", "allowed_to_push": [{"access_level": 40}]})
    assert g.protectedbranches.get("release/*").name == "release/*"  # encoded in the path
    g.protectedbranches.delete("main")
    assert [b.name for b in g.protectedbranches.list(get_all=True)] == ["release/*"]


@check
def service_accounts_and_token_rotation():
    g = gl.groups.create({"name": "Robots", "path": "robots"})
    sa = g.service_accounts.create({"name": "CI bot"})
    assert sa.id > 0 and sa.username.startswith("service_account_group_")
    assert [a.id for a in g.service_accounts.list(get_all=True)] == [sa.id]
    token = sa.access_tokens.create({"name": "ci", "scopes": ["api"]})
    old_value = token.token
    bot = gitlab.Gitlab(URL, private_token=old_value)
    bot.auth()
    assert bot.user.id == sa.id
    token.rotate()
    assert token.token != old_value
    expect_error(401, gitlab.Gitlab(URL, private_token=old_value).auth)
    rotated = gitlab.Gitlab(URL, private_token=token.token)
    rotated.auth()
    assert rotated.user.id == sa.id
    tokens = sa.access_tokens.list(get_all=True)
    assert sorted(t.active for t in tokens) == [False, True], [t.attributes for t in tokens]
    sa.access_tokens.delete(token.id)
    expect_error(401, rotated.groups.list)


@check
def read_api_cannot_write():
    # The tokens API of service accounts is the only token API: a read_api bot token.
    g = gl.groups.create({"name": "Scoped", "path": "scoped"})
    sa = g.service_accounts.create({"name": "Reader"})
    g.members.create({"user_id": sa.id, "access_level": 30})
    reader = gitlab.Gitlab(URL, private_token=sa.access_tokens.create({"name": "r", "scopes": ["read_api"]}).token)
    assert reader.groups.get(g.id).path == "scoped"
    expect_error(403, lambda: reader.groups.create({"name": "Nope", "path": "nope"}), "insufficient_scope")


@check
def pagination_over_100_items():
    parent = gl.groups.create({"name": "Many", "path": "many", "visibility": "public"})
    for i in range(105):
        gl.groups.create({"name": f"Many {i:03}", "path": f"m{i:03}", "parent_id": parent.id, "visibility": "public"})
    listing = parent.subgroups.list(iterator=True, per_page=20)
    assert listing.total == 105 and listing.total_pages == 6, (listing.total, listing.total_pages)
    paths = [g.path for g in listing]
    assert len(paths) == 105 and len(set(paths)) == 105, len(paths)
    descendants = [g.path for g in parent.descendant_groups.list(iterator=True, per_page=100)]
    assert len(descendants) == 105, len(descendants)
    every = list(gl.groups.list(iterator=True, per_page=100))
    assert len(every) > 105, len(every)
    # Keyset pagination, as GitLab offers it to anonymous callers (Link rel="next" with a cursor).
    keyset = [g.full_path for g in anonymous.groups.list(iterator=True, pagination="keyset", order_by="name", sort="asc", per_page=40)]
    assert len([p for p in keyset if p.startswith("many/")]) == 105, len(keyset)
    assert len(set(keyset)) == len(keyset), "keyset pages overlap"


if __name__ == "__main__":
    sys.exit(run("python-gitlab"))
