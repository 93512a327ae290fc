"""Write ``twins/<case>.plan.json``: the ``terraform show -json`` plan of a Terraform golden case.

Run it by hand after changing a spec below (``python tests/sources/plan/make_twins.py``);
the tests only read the JSON it wrote. It is not a test and pytest does not collect it.

Each spec is hand-written from what Terraform 1.9 and hashicorp/aws 6.x do when they plan
the case's configuration — never from tagcheck's output. In particular every ``tags`` and
``tags_all`` value below is written out literally, as the provider computes it at plan time
(``setTagsAll`` in ``internal/provider/sdkv2/tags_interceptor.go``, pinned by the
generated ``*_tags_gen_test.go`` acceptance tests):

- ``tags``: the configured map as Terraform converted it to ``map(string)`` (numbers and
  bools become strings); null elements are dropped, and a map that ends up empty — ``{}``,
  or only nulls — is planned as null (``TestAccS3Bucket_tags_EmptyMap``,
  ``TestAccS3Bucket_tags_null``).
- ``tags_all``: provider ``default_tags`` ⊕ ``tags`` (resource wins), minus keys hidden by
  ``ignore_tags``, when that can be computed at plan time. It is **unknown** (absent from
  ``after``, ``true`` in ``after_unknown``) on create when the merged map is empty — no
  tags and no default_tags (``TestAccS3Bucket_tags_null``: "TODO: Should be known") — or
  when a value in it is the empty string, from the resource
  (``TestAccS3Bucket_tags_DefaultTags_emptyResourceTag``) or from default_tags
  (``..._emptyProviderOnlyTag``).
- ``region`` (AWS provider 6.x): planned as the resource's own ``region`` argument, else the
  provider configuration's region (``defaultRegion`` in ``internal/provider/sdkv2/region.go``).
  Global types (IAM) have no ``region`` attribute.
- ``aws_autoscaling_group`` has no ``tags``/``tags_all``: its ``tag`` set, one object per
  block (``dynamic`` blocks expanded).

The JSON layout follows Terraform's ``internal/command/jsonplan`` and ``jsonconfig``:
``after`` omits unknown attributes and ``after_unknown`` marks them ``true`` (known
collections appear as ``{}``/``[...]`` there, known primitives not at all); in
``configuration``, resources inside modules carry the ``provider_config_key`` of the
configuration that is finally used — the root's ``aws``/``aws.west`` — because Terraform
resolves implicit inheritance and ``providers = {...}`` (``normalizeModuleProviderKeys``);
a module call without instances (``count = 0``) has no resource changes. Files are
pretty-printed (as ``jq .`` shows them) so a reviewer can read them.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

TWINS = Path(__file__).parent / "twins"
AWS = "registry.terraform.io/hashicorp/aws"
RANDOM = "registry.terraform.io/hashicorp/random"


class _Unknown:
    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN = _Unknown()

# Per type: schema_version, attributes known at plan time by default, attributes only
# known after apply (a spec may override either). Abridged: the attributes a plan of
# these configurations shows, not every one of the schema.
TYPES: dict[str, dict] = {
    "aws_s3_bucket": dict(schema=0, known={"force_destroy": False, "timeouts": None}, unknown=[
        "id", "arn", "bucket", "bucket_prefix", "acceleration_status", "acl", "bucket_domain_name", "bucket_region",
        "bucket_regional_domain_name", "cors_rule", "grant", "hosted_zone_id", "lifecycle_rule", "logging",
        "object_lock_configuration", "object_lock_enabled", "policy", "replication_configuration", "request_payer",
        "server_side_encryption_configuration", "versioning", "website", "website_domain", "website_endpoint"]),
    "aws_sqs_queue": dict(schema=0, known={
        "content_based_deduplication": False, "delay_seconds": 0, "fifo_queue": False, "max_message_size": 262144,
        "kms_master_key_id": None, "message_retention_seconds": 345600, "receive_wait_time_seconds": 0, "timeouts": None,
        "visibility_timeout_seconds": 30}, unknown=[
        "id", "arn", "url", "deduplication_scope", "fifo_throughput_limit", "kms_data_key_reuse_period_seconds",
        "name_prefix", "policy", "redrive_allow_policy", "redrive_policy",
        "sqs_managed_sse_enabled"]),
    "aws_sns_topic": dict(schema=0, known={
        "application_failure_feedback_role_arn": None, "content_based_deduplication": False, "delivery_policy": None,
        "display_name": None, "fifo_topic": False, "kms_master_key_id": None}, unknown=[
        "id", "arn", "archive_policy", "beginning_archive_time", "name_prefix", "owner", "policy",
        "signature_version", "tracing_config"]),
    "aws_iam_role": dict(schema=0, regional=False, known={
        "description": None, "force_detach_policies": False, "max_session_duration": 3600, "path": "/",
        "permissions_boundary": None}, unknown=[
        "id", "arn", "create_date", "inline_policy", "managed_policy_arns", "name_prefix", "unique_id"]),
    "aws_iam_role_policy_attachment": dict(schema=0, regional=False, tags=False, known={}, unknown=["id"]),
    "aws_route": dict(schema=0, tags=False, known={
        "carrier_gateway_id": None, "core_network_arn": None, "destination_ipv6_cidr_block": None,
        "destination_prefix_list_id": None, "egress_only_gateway_id": None, "local_gateway_id": None,
        "nat_gateway_id": None, "timeouts": None, "transit_gateway_id": None, "vpc_endpoint_id": None,
        "vpc_peering_connection_id": None}, unknown=[
        "id", "instance_id", "instance_owner_id", "network_interface_id", "origin", "state"]),
    "aws_route_table": dict(schema=0, known={"timeouts": None}, unknown=[
        "id", "arn", "owner_id", "propagating_vgws", "route"]),
    "aws_instance": dict(schema=1, known={
        "get_password_data": False, "hibernation": None, "source_dest_check": True, "timeouts": None,
        "user_data": None, "user_data_replace_on_change": False, "volume_tags": None}, unknown=[
        "id", "arn", "associate_public_ip_address", "availability_zone", "cpu_options", "disable_api_stop",
        "disable_api_termination", "ebs_block_device", "ebs_optimized", "enable_primary_ipv6", "ephemeral_block_device",
        "host_id", "iam_instance_profile", "instance_initiated_shutdown_behavior", "instance_lifecycle",
        "instance_state", "ipv6_address_count", "ipv6_addresses", "key_name", "metadata_options", "monitoring",
        "network_interface", "outpost_arn", "password_data", "placement_group", "primary_network_interface_id",
        "private_dns", "private_ip", "public_dns", "public_ip", "root_block_device", "secondary_private_ips",
        "security_groups", "spot_instance_request_id", "subnet_id", "tenancy", "vpc_security_group_ids"]),
    "aws_ebs_volume": dict(schema=0, known={
        "final_snapshot": False, "multi_attach_enabled": False, "outpost_arn": None, "timeouts": None}, unknown=[
        "id", "arn", "create_time", "encrypted", "iops", "kms_key_id", "snapshot_id", "throughput", "type"]),
    "aws_launch_template": dict(schema=0, known={
        "description": None, "disable_api_stop": None, "disable_api_termination": None, "ebs_optimized": None,
        "kernel_id": None, "key_name": None, "ram_disk_id": None, "security_group_names": None, "update_default_version":
        None, "user_data": None, "vpc_security_group_ids": None}, unknown=[
        "id", "arn", "default_version", "latest_version", "metadata_options", "name"]),
    "aws_autoscaling_group": dict(schema=0, tags=False, known={
        "capacity_rebalance": None, "context": None, "enabled_metrics": None, "force_delete": False,
        "force_delete_warm_pool": False, "health_check_grace_period": 300, "ignore_failed_scaling_activities": False,
        "initial_lifecycle_hook": [], "instance_maintenance_policy": [], "instance_refresh": [],
        "launch_configuration": None, "launch_template": [], "max_instance_lifetime": None,
        "metrics_granularity": "1Minute", "min_elb_capacity": None, "mixed_instances_policy": [],
        "placement_group": None, "protect_from_scale_in": False, "suspended_processes": None, "tag": [],
        "termination_policies": None, "timeouts": None, "wait_for_capacity_timeout": "10m",
        "wait_for_elb_capacity": None, "warm_pool": []}, unknown=[
        "id", "arn", "availability_zone_distribution", "default_cooldown", "default_instance_warmup",
        "desired_capacity", "desired_capacity_type", "health_check_type", "load_balancers", "name", "name_prefix",
        "predicted_capacity", "service_linked_role_arn", "target_group_arns", "traffic_source",
        "vpc_zone_identifier", "warm_pool_size"]),
    "random_id": dict(schema=0, regional=False, tags=False, provider=RANDOM,
                      known={"keepers": None, "prefix": None}, unknown=["id", "b64_std", "b64_url", "dec", "hex"]),
}


# --- addresses -------------------------------------------------------------------------

_STEP = re.compile(r'(?P<word>[A-Za-z_][A-Za-z0-9_-]*)(?P<key>\[(?:\d+|"(?:[^"\\]|\\.)*")\])?')


def _steps(address: str) -> list[tuple[str, str | None]]:
    """``module.x["a"].aws_s3_bucket.b[0]`` → [("module", None), ("x", '["a"]'), …]."""
    steps, pos = [], 0
    while pos < len(address):
        match = _STEP.match(address, pos)
        assert match, f"cannot parse {address!r} at {pos}"
        steps.append((match["word"], match["key"]))
        pos = match.end()
        if pos < len(address):
            assert address[pos] == ".", address
            pos += 1
    return steps


def split_address(address: str) -> dict:
    steps = _steps(address)
    module_steps, (rtype, _), (name, key) = steps[:-2], steps[-2], steps[-1]
    module_address, config_module = [], []
    for i in range(0, len(module_steps), 2):
        assert module_steps[i][0] == "module"
        call, call_key = module_steps[i + 1]
        module_address.append(f"module.{call}{call_key or ''}")
        config_module.append(f"module.{call}")
    index = None
    if key is not None:
        index = int(key[1:-1]) if key[1] != '"' else json.loads(key[1:-1])
    return {"module_address": ".".join(module_address), "config_module": ".".join(config_module),
            "type": rtype, "name": name, "index": index}


# --- values ----------------------------------------------------------------------------

def _omit_unknowns(value):
    if value is UNKNOWN:
        raise AssertionError("unknown at top level")
    if isinstance(value, dict):
        return {k: _omit_unknowns(v) for k, v in sorted(value.items()) if v is not UNKNOWN}
    if isinstance(value, list):
        return [_omit_unknowns(v) for v in value if v is not UNKNOWN]
    return value


def _unknown_as_bool(value):
    """jsonplan.unknownAsBool: true for unknowns, collections kept, known leaves dropped."""
    if value is UNKNOWN:
        return True
    if isinstance(value, dict):
        out = {}
        for k, v in sorted(value.items()):
            b = _unknown_as_bool(v)
            if b is not False:
                out[k] = b
        return out
    if isinstance(value, list):
        return [_unknown_as_bool(v) for v in value]
    return False


def _sensitive_as_bool(value):
    """Nothing here is sensitive: the same shape as after_unknown without the trues."""
    if isinstance(value, dict):
        out = {}
        for k, v in sorted(value.items()):
            if v is UNKNOWN:
                continue
            b = _sensitive_as_bool(v)
            if b is not False:
                out[k] = b
        return out
    if isinstance(value, list):
        return [False if v is UNKNOWN else _sensitive_as_bool(v) for v in value]
    return False


# --- resources -------------------------------------------------------------------------

def R(address: str, after: dict, *, provider: str = "aws", region: str | None = None, expr: dict | None = None,
      count_expr=None, for_each_expr=None, actions=("create",)) -> dict:
    """One resource instance. ``provider``: its configuration's provider_config_key.
    ``region``: the planned region (regional types only). ``expr``: the configuration's
    expressions for the block (first instance wins)."""
    parts = split_address(address)
    info = TYPES[parts["type"]]
    values = dict(info["known"])
    for attr in info["unknown"]:
        values[attr] = UNKNOWN
    if info.get("tags", True):
        values.setdefault("tags", None)
        values.setdefault("tags_all", UNKNOWN)
    if info.get("regional", True) and info.get("provider", AWS) == AWS:
        assert region, f"{address}: a regional type needs its planned region"
        values["region"] = region
    values.update(after)
    return {"address": address, **parts, "provider_name": info.get("provider", AWS), "schema": info["schema"],
            "after": dict(sorted(values.items())), "provider_key": provider, "expr": expr or {},
            "count_expr": count_expr, "for_each_expr": for_each_expr, "actions": list(actions)}


def _resource_change(r: dict) -> dict:
    out = {"address": r["address"]}
    if r["module_address"]:
        out["module_address"] = r["module_address"]
    out.update(mode="managed", type=r["type"], name=r["name"])
    if r["index"] is not None:
        out["index"] = r["index"]
    out["provider_name"] = r["provider_name"]
    out["change"] = {
        "actions": r["actions"],
        "before": None,
        "after": _omit_unknowns(r["after"]),
        "after_unknown": _unknown_as_bool(r["after"]),
        "before_sensitive": False,
        "after_sensitive": _sensitive_as_bool(r["after"]),
    }
    return out


def _planned(r: dict) -> dict:
    out = {"address": r["address"], "mode": "managed", "type": r["type"], "name": r["name"]}
    if r["index"] is not None:
        out["index"] = r["index"]
    out.update(provider_name=r["provider_name"], schema_version=r["schema"], values=_omit_unknowns(r["after"]),
               sensitive_values=_sensitive_as_bool(r["after"]))
    return out


def _planned_values(resources: list[dict]) -> dict:
    root: dict = {"resources": [], "child_modules": []}
    index: dict[str, dict] = {"": root}

    def module(addr: str) -> dict:
        if addr in index:
            return index[addr]
        steps = _steps(addr + ".x.y")[:-2]
        parent_addr = ".".join(f"module.{steps[i + 1][0]}{steps[i + 1][1] or ''}" for i in range(0, len(steps) - 2, 2))
        parent = module(parent_addr)
        node = {"resources": [], "address": addr, "child_modules": []}
        parent["child_modules"].append(node)
        index[addr] = node
        return node

    for r in sorted(resources, key=lambda r: r["address"]):
        module(r["module_address"])["resources"].append(_planned(r))

    def tidy(node: dict) -> dict:
        if not node["child_modules"]:
            del node["child_modules"]
        else:
            node["child_modules"] = [tidy(c) for c in sorted(node["child_modules"], key=lambda c: c["address"])]
        if not node["resources"]:
            del node["resources"]
        return node

    return {"root_module": tidy(root)}


# --- configuration ---------------------------------------------------------------------

def provider(name_key: str, *, region: str | None = None, default_tags=None, default_tags_refs=None,
             ignore_keys=None, ignore_prefixes=None, version_constraint: str | None = None) -> tuple[str, dict]:
    """A provider "aws" block of the root module, as configuration.provider_config shows it."""
    expressions: dict = {}
    if region is not None:
        expressions["region"] = {"constant_value": region}
    if default_tags is not None:
        expressions["default_tags"] = [{"tags": {"constant_value": _sorted(default_tags)}}]
    if default_tags_refs is not None:
        expressions["default_tags"] = [{"tags": {"references": default_tags_refs}}]
    if ignore_keys is not None or ignore_prefixes is not None:
        block = {}
        if ignore_keys is not None:
            block["keys"] = {"constant_value": ignore_keys}
        if ignore_prefixes is not None:
            block["key_prefixes"] = {"constant_value": ignore_prefixes}
        expressions["ignore_tags"] = [block]
    config = {"name": "aws", "full_name": AWS}
    if "." in name_key:
        config["alias"] = name_key.split(".", 1)[1]
    if version_constraint:  # only with a required_providers version; none of these cases has one
        config["version_constraint"] = version_constraint
    if expressions:
        config["expressions"] = dict(sorted(expressions.items()))
    return name_key, config


def _config_resource(r: dict) -> dict:
    out = {"address": f"{r['type']}.{r['name']}", "mode": "managed", "type": r["type"], "name": r["name"],
           "provider_config_key": r["provider_key"]}
    if r["expr"]:
        out["expressions"] = r["expr"]
    out["schema_version"] = r["schema"]
    if r["count_expr"] is not None:
        out["count_expression"] = r["count_expr"]
    if r["for_each_expr"] is not None:
        out["for_each_expression"] = r["for_each_expr"]
    return out


def _configuration(resources: list[dict], providers: dict, modules: dict, variables: dict,
                   extra_config_resources: dict) -> dict:
    """``modules``: config path ("module.x.module.topic") → module call fields (source,
    expressions, count_expression/for_each_expression, variables of the module)."""
    root: dict = {}
    nodes: dict[str, dict] = {"": root}
    for path in sorted(modules, key=lambda p: p.count(".")):
        parent_path, _, call = path.rpartition(".")
        parent_path = parent_path[: -len(".module")] if parent_path.endswith(".module") else ""
        if path.count(".") == 1:
            parent_path = ""
        spec = dict(modules[path])
        module_vars = spec.pop("variables", None)
        node: dict = {}
        if module_vars:
            node["variables"] = module_vars
        nodes[parent_path].setdefault("module_calls", {})[call] = {**spec, "module": node}
        nodes[path] = node
    seen: set[str] = set()
    for r in resources:
        key = (r["config_module"] + "." if r["config_module"] else "") + f"{r['type']}.{r['name']}"
        if key in seen:
            continue
        seen.add(key)
        nodes[r["config_module"]].setdefault("resources", []).append(_config_resource(r))
    for path, extra in extra_config_resources.items():
        nodes[path].setdefault("resources", []).extend(extra)
    for node in nodes.values():
        if "resources" in node:
            node["resources"].sort(key=lambda x: (x["mode"] != "managed", x["address"]))
    if variables:
        root["variables"] = variables
    for node in nodes.values():  # jsonconfig's field order: resources, module_calls, variables
        ordered = {k: node.pop(k) for k in ("resources", "module_calls", "variables") if k in node}
        node.update(ordered)
    return {"provider_config": dict(sorted(providers.items())), "root_module": root}


def plan(resources: list[dict], *, providers: list[tuple[str, dict]], modules: dict | None = None,
         variables: dict | None = None, variable_values: dict | None = None, prior_state: dict | None = None,
         extra_config_resources: dict | None = None, other_provider_configs: dict | None = None) -> dict:
    pcs = dict(providers)
    pcs.update(other_provider_configs or {})
    doc: dict = {"format_version": "1.2", "terraform_version": "1.9.8"}
    if variable_values:
        doc["variables"] = {k: {"value": _sorted(v)} for k, v in sorted(variable_values.items())}
    doc["planned_values"] = _planned_values(resources)
    doc["resource_changes"] = [_resource_change(r) for r in sorted(resources, key=lambda r: r["address"])]
    if prior_state is not None:
        doc["prior_state"] = _sorted_values(prior_state)
    doc["configuration"] = _configuration(resources, pcs, modules or {}, variables or {}, extra_config_resources or {})
    doc.update(timestamp="2026-11-26T09:00:00Z", applyable=True, complete=True, errored=False)
    return doc


def _sorted(value):
    """cty's JSON encoding: object attributes and map keys in lexical order."""
    if isinstance(value, dict):
        return {k: _sorted(v) for k, v in sorted(value.items())}
    if isinstance(value, list):
        return [_sorted(v) for v in value]
    return value


def _sorted_values(state: dict) -> dict:
    for resource in state["values"]["root_module"]["resources"]:
        resource["values"] = _sorted(resource["values"])
    return state


def const(value) -> dict:
    return {"constant_value": _sorted(value)}


def refs(*names: str) -> dict:
    return {"references": list(names)}


# --- the twins -------------------------------------------------------------------------

PLATFORM = {"team": "platform", "cost-center": "cc-1234"}
CC = {"cost-center": "cc-1234"}


def _bucket_module(path: str, source: str, **call) -> dict:
    return {path: {"source": source, **call}}


def twins() -> dict[str, dict]:
    t: dict[str, dict] = {}

    t["default_tags_only"] = plan([
        R("aws_s3_bucket.logs", {"bucket": "acme-logs", "tags_all": PLATFORM}, region="us-east-1",
          expr={"bucket": const("acme-logs")}),
        R("aws_sqs_queue.jobs", {"name": "jobs", "tags": {"Name": "jobs", "team": "data"},
                                 "tags_all": {"Name": "jobs", "cost-center": "cc-1234", "team": "data"}},
          region="us-east-1", expr={"name": const("jobs"), "tags": const({"Name": "jobs", "team": "data"})}),
    ], providers=[provider("aws", region="us-east-1", default_tags=PLATFORM)])

    # no tags and no default_tags on aws.west: tags_all unknown at plan time
    t["aliased_provider"] = plan([
        R("aws_s3_bucket.east", {"bucket": "acme-east", "tags_all": PLATFORM}, region="us-east-1",
          expr={"bucket": const("acme-east")}),
        R("aws_s3_bucket.west", {"bucket": "acme-west"}, provider="aws.west", region="us-west-2",
          expr={"bucket": const("acme-west")}),
        R("aws_s3_bucket.west_tagged", {"bucket": "acme-west-tagged", "tags": {"team": "data"},
                                        "tags_all": {"team": "data"}}, provider="aws.west", region="us-west-2",
          expr={"bucket": const("acme-west-tagged"), "tags": const({"team": "data"})}),
    ], providers=[provider("aws", region="us-east-1", default_tags=PLATFORM), provider("aws.west", region="us-west-2")])

    blanked = {"cost-center": "cc-1234", "team": ""}
    t["merge_locals"] = plan([
        R("aws_s3_bucket.data", {"bucket": "acme-data", "tags": {
            "Name": "acme-data", "component": "storage", "cost-center": "cc-1234", "team": "ml"}, "tags_all": {
            "Name": "acme-data", "component": "storage", "cost-center": "cc-1234", "team": "ml"}}, region="eu-west-1",
          expr={"bucket": refs("local.prefix"), "tags": refs("local.bucket_tags", "local.prefix")}),
        R("aws_s3_bucket.scratch", {"bucket": "acme-scratch", "tags": {"Name": "scratch", "team": "ml"},
                                    "tags_all": {"Name": "scratch", "team": "ml"}}, region="eu-west-1",
          expr={"bucket": refs("local.prefix"), "tags": refs("local.team_tags")}),
        # an empty value in tags: tags_all is unknown in the plan
        R("aws_s3_bucket.blanked", {"bucket": "acme-blanked", "tags": blanked}, region="eu-west-1",
          expr={"bucket": refs("local.prefix"), "tags": refs("local.common")}),
    ], providers=[provider("aws", region="eu-west-1")])

    t["module_called_twice"] = plan([
        R("module.a.aws_s3_bucket.this", {"bucket": "acme-a", "tags": {"Name": "acme-a", "team": "alpha"},
                                          "tags_all": {"Name": "acme-a", "cost-center": "cc-1234", "team": "alpha"}},
          region="us-east-1", expr={"bucket": refs("var.name"), "tags": refs("var.tags", "var.name")}),
        R("module.a.aws_iam_role_policy_attachment.read", {
            "policy_arn": "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess", "role": "reader"},
          expr={"policy_arn": const("arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"), "role": const("reader")}),
        R("module.b.aws_s3_bucket.this", {"bucket": "acme-b", "tags": {"Name": "acme-b", "Team": "beta"},
                                          "tags_all": {"Name": "acme-b", "Team": "beta", "cost-center": "cc-1234"}},
          region="us-east-1"),
        R("module.b.aws_iam_role_policy_attachment.read", {
            "policy_arn": "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess", "role": "reader"}),
    ], providers=[provider("aws", region="us-east-1", default_tags=CC)], modules={
        "module.a": {"source": "./modules/bucket", "expressions": {
            "name": const("acme-a"), "tags": const({"team": "alpha"})},
            "variables": {"name": {}, "tags": {"default": {}}}},
        "module.b": {"source": "./modules/bucket", "expressions": {
            "name": const("acme-b"), "tags": const({"Team": "beta"})},
            "variables": {"name": {}, "tags": {"default": {}}}},
    })

    queue_expr = {"name": refs("var.team"), "tags": refs("var.team")}

    def queue_pair(prefix: str, team: str) -> list[dict]:
        tags = {"team": team}
        known = {"tags": tags, "tags_all": {"cost-center": "cc-1234", "team": team}} if team else {"tags": tags}
        return [R(f"{prefix}.aws_sqs_queue.this", {"name": f"q-{team}", **known}, region="us-east-1", expr=queue_expr),
                R(f"{prefix}.module.topic.aws_sns_topic.this", {"name": f"t-{team}", **known}, region="us-east-1",
                  expr=queue_expr)]

    queue_module = {"variables": {"team": {}}}
    topic_call = {"source": "../topic", "expressions": {"team": refs("var.team")}, "variables": {"team": {}}}
    t["module_for_each_count"] = plan(
        queue_pair('module.w["blue"]', "web") + queue_pair('module.w["green"]', "")
        + queue_pair('module.x["alpha"]', "alpha") + queue_pair('module.x["beta"]', "beta")
        + queue_pair("module.y[0]", "ops-0") + queue_pair("module.y[1]", "ops-1"),
        providers=[provider("aws", region="us-east-1", default_tags=CC)], modules={
            "module.w": {"source": "./modules/queue", "expressions": {"team": refs("each.value")},
                         "for_each_expression": const({"blue": "web", "green": ""}), **queue_module},
            "module.w.module.topic": topic_call,
            "module.x": {"source": "./modules/queue", "expressions": {"team": refs("each.key")},
                         "for_each_expression": {}, **queue_module},
            "module.x.module.topic": topic_call,
            "module.y": {"source": "./modules/queue", "expressions": {"team": refs("count.index")},
                         "count_expression": const(2), **queue_module},
            "module.y.module.topic": topic_call,
            "module.z": {"source": "./modules/queue", "expressions": {"team": const("never")},
                         "count_expression": const(0), **queue_module},
            "module.z.module.topic": topic_call,
        }, extra_config_resources={
            "module.z": [{"address": "aws_sqs_queue.this", "mode": "managed", "type": "aws_sqs_queue", "name": "this",
                          "provider_config_key": "aws", "expressions": queue_expr, "schema_version": 0}],
            "module.z.module.topic": [{"address": "aws_sns_topic.this", "mode": "managed", "type": "aws_sns_topic",
                                       "name": "this", "provider_config_key": "aws", "expressions": queue_expr,
                                       "schema_version": 0}],
        })

    west_team = {"team": "west-team"}
    t["module_providers"] = plan([
        R("module.east.aws_s3_bucket.this", {"bucket_prefix": "acme-", "tags_all": PLATFORM}, region="us-east-1",
          expr={"bucket_prefix": const("acme-")}),
        R("module.replicated.aws_s3_bucket.primary", {"bucket_prefix": "acme-primary-", "tags_all": PLATFORM},
          region="us-east-1", expr={"bucket_prefix": const("acme-primary-")}),
        R("module.replicated.aws_s3_bucket.replica", {"bucket_prefix": "acme-replica-", "tags_all": west_team},
          provider="aws.west", region="us-west-2", expr={"bucket_prefix": const("acme-replica-")}),
        R("module.west.aws_s3_bucket.this", {"bucket_prefix": "acme-", "tags_all": west_team}, provider="aws.west",
          region="us-west-2"),
    ], providers=[provider("aws", region="us-east-1", default_tags=PLATFORM),
                  provider("aws.west", region="us-west-2", default_tags=west_team)], modules={
        "module.east": {"source": "./modules/bucket"},
        "module.replicated": {"source": "./modules/replicated"},
        "module.west": {"source": "./modules/bucket"},
    })

    def tagged_bucket(name: str, tags: dict, region: str = "us-east-1", **kw) -> dict:
        return R(f"aws_s3_bucket.{name}", {"tags": tags, "tags_all": tags, **kw}, region=region,
                 expr={"tags": const(tags)})

    t["near_miss"] = plan([
        tagged_bucket("case_and_underscore", {"Team": "ml", "cost_center": "cc-1234"}),
        tagged_bucket("near_and_missing", {"TEAM": "ml"}),
        tagged_bucket("no_separator", {"costcenter": "cc-1234", "team": "ml"}),
        tagged_bucket("title_case", {"Cost-Center": "cc-1234", "team": "ml"}),
        tagged_bucket("unrelated", {"cost-center": "cc-1234", "owner": "ml"}),
    ], providers=[provider("aws", region="us-east-1")])

    t["non_taggable"] = plan([
        R("aws_iam_role.app", {"name": "app", "assume_role_policy": "{}", "tags": PLATFORM, "tags_all": PLATFORM},
          expr={"assume_role_policy": const("{}"), "name": const("app"), "tags": const(PLATFORM)}),
        R("aws_iam_role_policy_attachment.app_read", {"policy_arn": "arn:aws:iam::aws:policy/ReadOnlyAccess",
                                                      "role": "app"},
          expr={"policy_arn": const("arn:aws:iam::aws:policy/ReadOnlyAccess"),
                "role": refs("aws_iam_role.app.name", "aws_iam_role.app")}),
        R("aws_route.default", {"destination_cidr_block": "0.0.0.0/0", "gateway_id": "igw-0123456789abcdef0",
                                "route_table_id": UNKNOWN}, region="us-east-1",
          expr={"destination_cidr_block": const("0.0.0.0/0"), "gateway_id": const("igw-0123456789abcdef0"),
                "route_table_id": refs("aws_route_table.main.id", "aws_route_table.main")}),
        # untagged, no default_tags: tags_all unknown at plan time
        R("aws_route_table.main", {"vpc_id": "vpc-0123456789abcdef0"}, region="us-east-1",
          expr={"vpc_id": const("vpc-0123456789abcdef0")}),
        R("random_id.suffix", {"byte_length": 4}, provider="random", expr={"byte_length": const(4)}),
    ], providers=[provider("aws", region="us-east-1")])

    def per_team(key: str, team: str) -> dict:
        after = {"name": f"queue-{key}", "tags": {"team": team}}
        if team:
            after["tags_all"] = {"cost-center": "cc-1234", "team": team}
        return R(f'aws_sqs_queue.per_team["{key}"]', after, region="us-east-1",
                 expr={"name": refs("each.key"), "tags": refs("each.value")},
                 for_each_expr=const({"a": "ml", "b": "", "c": "data"}))

    def per_name(name: str) -> dict:
        tags = {"Name": name, "team": "ops"}
        return R(f'aws_sns_topic.per_name["{name}"]', {"name": name, "tags": tags, "tags_all": {**tags, **CC}},
                 region="us-east-1", expr={"name": refs("each.key"), "tags": refs("each.value")},
                 for_each_expr={})

    t["for_each_map"] = plan([
        per_name("billing"), per_name("orders"), per_team("a", "ml"), per_team("b", ""), per_team("c", "data"),
    ], providers=[provider("aws", region="us-east-1", default_tags=CC)])

    def web(i: int) -> dict:
        tags = {"Name": f"web-{i}", "cost-center": "cc-1234", "team": "web"}
        return R(f"aws_instance.web[{i}]", {"ami": "ami-0123456789abcdef0", "instance_type": "t3.micro",
                                            "tags": tags, "tags_all": tags}, region="us-east-1",
                 expr={"ami": const("ami-0123456789abcdef0"), "instance_type": const("t3.micro"),
                       "tags": refs("count.index")}, count_expr=const(2))

    azs = ["us-east-1a", "us-east-1b", "us-east-1c"]

    def volume(i: int) -> dict:
        tags = {"cost-center": "cc-1234", "team": "storage" if i == 0 else ""}
        after = {"availability_zone": azs[i], "size": 10, "tags": tags}
        if i == 0:
            after["tags_all"] = tags
        return R(f"aws_ebs_volume.data[{i}]", after, region="us-east-1",
                 expr={"availability_zone": refs("var.azs", "count.index"), "size": const(10),
                       "tags": refs("count.index")}, count_expr=refs("var.azs"))

    t["count_instances"] = plan(
        [web(0), web(1), volume(0), volume(1), volume(2)],
        providers=[provider("aws", region="us-east-1")], variables={"azs": {"default": azs}},
        variable_values={"azs": azs}, extra_config_resources={"": [{
            "address": "aws_instance.disabled", "mode": "managed", "type": "aws_instance", "name": "disabled",
            "provider_config_key": "aws", "expressions": {"ami": const("ami-0123456789abcdef0"),
                                                          "instance_type": const("t3.micro")},
            "schema_version": 1, "count_expression": const(0)}]})

    def asg(name: str, tags: list[tuple[str, str, bool]], **after) -> dict:
        blocks = [{"key": k, "propagate_at_launch": p, "value": v} for k, v, p in sorted(tags)]
        return R(f"aws_autoscaling_group.{name}", {"availability_zones": ["us-east-1a"], "max_size": 1,
                                                   "min_size": 1, "tag": blocks, **after}, region="us-east-1")

    default_tags_state = {"format_version": "1.0", "terraform_version": "1.9.8", "values": {"root_module": {
        "resources": [{"address": "data.aws_default_tags.current", "mode": "data", "type": "aws_default_tags",
                       "name": "current", "provider_name": AWS, "schema_version": 0,
                       "values": {"id": "aws", "tags": PLATFORM}, "sensitive_values": {"tags": {}}}]}}}
    t["asg_tag_blocks"] = plan([
        R("aws_launch_template.lt", {"image_id": "ami-0123456789abcdef0", "instance_type": "t3.micro",
                                     "name_prefix": "lt-", "tags_all": PLATFORM}, region="us-east-1"),
        asg("bare", [], launch_template=[{"id": UNKNOWN, "name": UNKNOWN, "version": None}]),
        asg("blocks", [("team", "ml", True), ("cost-center", "cc-1234", False)]),
        asg("dynamic", [("team", "ml", True), ("Name", "workers", True)]),
        asg("dynamic_iterator", [("team", "ml", True), ("Name", "workers", True), ("cost-center", "cc-1234", True)]),
        # data.aws_default_tags is read while planning: its tags are known in the plan
        asg("from_default_tags", [("team", "platform", True), ("cost-center", "cc-1234", True)]),
    ], providers=[provider("aws", region="us-east-1", default_tags=PLATFORM)], prior_state=default_tags_state,
        extra_config_resources={"": [{"address": "data.aws_default_tags.current", "mode": "data",
                                      "type": "aws_default_tags", "name": "current", "provider_config_key": "aws",
                                      "schema_version": 0}]})

    t["ignore_tags"] = plan([
        R("aws_s3_bucket.default_provider", {"bucket": "acme-a", "tags_all": CC}, region="us-east-1",
          expr={"bucket": const("acme-a")}),
        R("aws_s3_bucket.own_tag", {"bucket": "acme-b", "tags": {"Name": "b", "team": "ml"},
                                    "tags_all": {"Name": "b", "cost-center": "cc-1234"}}, region="us-east-1",
          expr={"bucket": const("acme-b"), "tags": const({"Name": "b", "team": "ml"})}),
        R("aws_s3_bucket.prefixed", {"bucket": "acme-c", "tags_all": {"team": "platform"}}, provider="aws.prefixed",
          region="us-east-1", expr={"bucket": const("acme-c")}),
    ], providers=[provider("aws", region="us-east-1", default_tags=PLATFORM, ignore_keys=["team"]),
                  provider("aws.prefixed", region="us-east-1", default_tags=PLATFORM, ignore_prefixes=["cost-"])])

    # aws_s3_bucket.lookup_error is left out: lookup() of a missing key without a default
    # is an error, so `terraform plan` of the case as written fails; this is the plan of the
    # case without that block.
    t["conditionals_lookup"] = plan([
        tagged_bucket("conditional", {"cost-center": "cc-1000", "team": "sre"}),
        tagged_bucket("conditional_map", {"cost-center": "cc-1000", "team": "sre"}),
        tagged_bucket("fallbacks", {"cost-center": "CC-3000", "owner": "sre", "team": "fallback"}),
        tagged_bucket("lookups", {"cost-center": "cc-9999", "team": "sre"}),
    ], providers=[provider("aws", region="us-east-1")],
        variables={"env": {"default": "prod"}, "teams": {"default": {"dev": "devs", "prod": "sre"}}},
        variable_values={"env": "prod", "teams": {"dev": "devs", "prod": "sre"}})

    ladder = {"cost-center": "cc-1111", "owner": "cli-owner", "p-auto-a": "a.auto", "p-auto-m-json": "m.auto.json",
              "p-auto-z": "z.auto", "p-cli": "cli", "p-default": "default", "p-tfvars": "tfvars",
              "p-tfvars-json": "tfvars.json", "p-var-file-1": "var-file-1", "p-var-file-2": "var-file-2",
              "team": "from-tfvars"}
    ladder_values = {"cost_center": "cc-1111", "default_tags": {"managed-by": "terraform"},
                     "extra_tags": {"owner": "cli-owner"}, "p_auto_a": "a.auto", "p_auto_m_json": "m.auto.json",
                     "p_auto_z": "z.auto", "p_cli": "cli", "p_default": "default", "p_tfvars": "tfvars",
                     "p_tfvars_json": "tfvars.json", "p_var_file_1": "var-file-1", "p_var_file_2": "var-file-2",
                     "team": "from-tfvars"}
    t["tfvars_precedence"] = plan([
        R("aws_s3_bucket.ladder", {"bucket": "acme-ladder", "tags": ladder,
                                   "tags_all": {**ladder, "managed-by": "terraform"}}, region="us-east-1",
          expr={"bucket": const("acme-ladder"), "tags": refs("var.extra_tags", "var.team", "var.cost_center")}),
    ], providers=[provider("aws", region="us-east-1", default_tags_refs=["var.default_tags"])],
        variables={"cost_center": {"default": "cc-0000"}, "default_tags": {"default": {}},
                   "extra_tags": {"default": {}}, "team": {"default": "from-default"},
                   **{name: {"default": "default"} for name in ladder_values if name.startswith("p_")}},
        variable_values=ladder_values)

    typed_defaults = {"billable": "true", "cost-center": "1234"}
    typed = {"big": "1000", "enabled": "false", "ratio": "2.5", "replicas": "3", "team": "ml"}
    t["number_bool_values"] = plan([
        R("aws_s3_bucket.typed", {"tags": typed, "tags_all": {**typed_defaults, **typed}}, region="us-east-1",
          expr={"tags": const({"team": "ml", "replicas": 3, "ratio": 2.5, "big": 1000, "enabled": False})}),
        R("aws_s3_bucket.from_number_var", {"tags": {"cost-center": "4321", "team": "ml"},
                                            "tags_all": {"billable": "true", "cost-center": "4321", "team": "ml"}},
          region="us-east-1", expr={"tags": refs("var.cost_center_number")}),
    ], providers=[provider("aws", region="us-east-1", default_tags={"cost-center": 1234, "billable": True})],
        variables={"cost_center_number": {"default": 4321}}, variable_values={"cost_center_number": 4321})

    t["null_overrides_default_tag"] = plan([
        R("aws_s3_bucket.null_overlapping", {"tags": {"Name": "data"}, "tags_all": {**PLATFORM, "Name": "data"}},
          region="us-east-1", expr={"tags": const({"Name": "data", "team": None})}),
    ], providers=[provider("aws", region="us-east-1", default_tags=PLATFORM)])

    env_defaults = {"environment": "production", "team": "platform"}

    def allowed(name: str, tags: dict) -> dict:
        return R(f"aws_s3_bucket.{name}", {"tags": tags, "tags_all": {**env_defaults, **tags}}, region="us-east-1",
                 expr={"tags": const(tags)})

    t["allowed_values"] = plan([
        allowed("bad_values", {"cost-center": "1234", "environment": "Prod", "tier": "bronze"}),
        allowed("default_env", {"cost-center": "cc-1234"}),
        allowed("ok", {"cost-center": "cc-1234", "environment": "prod", "tier": "gold"}),
        allowed("partial_match", {"cost-center": "cc-12345", "environment": "dev"}),
    ], providers=[provider("aws", region="us-east-1", default_tags=env_defaults)])

    empty_cc = {"cost-center": "", "team": "platform"}
    t["empty_default_tag"] = plan([
        # default_tags hold an empty value and the resource does not override it: unknown
        R("aws_s3_bucket.inherits_empty", {"bucket": "acme-a"}, region="us-east-1", expr={"bucket": const("acme-a")}),
        R("aws_s3_bucket.other_region", {"bucket": "acme-c", "tags": CC, "tags_all": {**PLATFORM}},
          region="eu-central-1", expr={"bucket": const("acme-c"), "region": const("eu-central-1"),
                                       "tags": const(CC)}),
        R("aws_s3_bucket.overrides_empty", {"bucket": "acme-b", "tags": CC, "tags_all": {**PLATFORM}},
          region="us-east-1", expr={"bucket": const("acme-b"), "tags": const(CC)}),
    ], providers=[provider("aws", region="us-east-1", default_tags=empty_cc)])

    # only aws.tagged is configured; the implicit default configuration takes its region
    # from the environment (AWS_REGION=us-east-1 when this plan was made)
    t["implicit_default_provider"] = plan([
        R("aws_s3_bucket.explicit", {"bucket": "acme-explicit", "tags_all": PLATFORM}, provider="aws.tagged",
          region="us-east-1", expr={"bucket": const("acme-explicit")}),
        R("aws_s3_bucket.implicit", {"bucket": "acme-implicit"}, region="us-east-1",
          expr={"bucket": const("acme-implicit")}),
    ], providers=[provider("aws.tagged", region="us-east-1", default_tags=PLATFORM)])

    chain = {"cost-center": "cc-5555", "team": "chain"}
    t["module_variable_chain"] = plan([
        R("module.app.aws_s3_bucket.this", {"bucket": "app", "tags": {**chain, "component": "app"},
                                            "tags_all": {**chain, "component": "app"}}, region="us-east-1",
          expr={"bucket": refs("var.name"), "tags": refs("local.tags")}),
        R("module.app.module.inner.aws_sqs_queue.this", {"name": "inner", "tags": {**chain, "component": "app"},
                                                         "tags_all": {**chain, "component": "app"}},
          region="us-east-1", expr={"name": const("inner"), "tags": refs("var.tags")}),
        R("module.app_west.aws_s3_bucket.this", {"bucket": "app-west", "tags": {**chain, "component": "app-west"},
                                                 "tags_all": {**chain, "component": "app-west",
                                                              "environment": "west"}},
          provider="aws.west", region="us-west-2"),
        R("module.app_west.module.inner.aws_sqs_queue.this", {
            "name": "inner", "tags": {**chain, "component": "app-west"},
            "tags_all": {**chain, "component": "app-west", "environment": "west"}}, provider="aws.west",
          region="us-west-2"),
    ], providers=[provider("aws", region="us-east-1"),
                  provider("aws.west", region="us-west-2", default_tags={"environment": "west"})], modules={
        "module.app": {"source": "./modules/app", "expressions": {"name": const("app"), "tags": refs("local.common")},
                       "variables": {"name": {}, "tags": {}}},
        "module.app.module.inner": {"source": "../inner", "expressions": {"tags": refs("local.tags")},
                                    "variables": {"tags": {}}},
        "module.app_west": {"source": "./modules/app", "expressions": {
            "name": const("app-west"), "tags": refs("local.common")}, "variables": {"name": {}, "tags": {}}},
        "module.app_west.module.inner": {"source": "../inner", "expressions": {"tags": refs("local.tags")},
                                         "variables": {"tags": {}}},
    }, variables={"cost_center": {"default": "cc-5555"}, "team": {}},
        variable_values={"cost_center": "cc-5555", "team": "chain"})

    t["for_each_key_quoting"] = plan([
        R(f'aws_sqs_queue.office["{key}"]', {"name": "office", "tags": {"team": key}, "tags_all": {"team": key}},
          region="sa-east-1", expr={"name": const("office"), "tags": refs("each.key")},
          for_each_expr={})
        for key in ("new york", "são-paulo", "zürich")
    ], providers=[provider("aws", region="sa-east-1")])

    t["null_tag_values"] = plan([
        R("aws_s3_bucket.conditional_null", {"tags": {"cost-center": "cc-1234", "team": "ml"},
                                             "tags_all": {"cost-center": "cc-1234", "team": "ml"}},
          region="us-east-1", expr={"tags": refs("var.env")}),
        R("aws_s3_bucket.null_value", {"tags": {"team": "ml"}, "tags_all": {"team": "ml"}}, region="us-east-1",
          expr={"tags": const({"cost-center": None, "team": "ml"})}),
    ], providers=[provider("aws", region="us-east-1")], variables={"env": {"default": "prod"}},
        variable_values={"env": "prod"})

    t["envs_layout"] = plan([
        R("module.bucket.aws_s3_bucket.this", {"bucket_prefix": "acme-", "tags": {"team": "prod-team"},
                                               "tags_all": {"cost-center": "cc-1000", "team": "prod-team"}},
          region="eu-west-1", expr={"bucket_prefix": const("acme-"), "tags": refs("var.team")}),
    ], providers=[provider("aws", region="eu-west-1", default_tags={"cost-center": "cc-1000"})], modules={
        "module.bucket": {"source": "../../modules/bucket", "expressions": {"team": const("prod-team")},
                          "variables": {"team": {}}}})

    t["envs_layout_dev"] = plan([
        R("module.bucket.aws_s3_bucket.this", {"bucket_prefix": "acme-", "tags": {"team": "dev-team"},
                                               "tags_all": {"team": "dev-team"}},
          region="eu-west-1", expr={"bucket_prefix": const("acme-"), "tags": refs("var.team")}),
    ], providers=[provider("aws", region="eu-west-1")], modules={
        "module.bucket": {"source": "../../modules/bucket", "expressions": {"team": const("dev-team")},
                          "variables": {"team": {}}}})

    svc = {"cost-center": "cc-1234", "team": "caller"}
    t["module_tfvars_ignored"] = plan([
        R("module.svc.aws_sqs_queue.this", {"name": "svc", "tags": svc, "tags_all": svc}, region="us-east-1",
          expr={"name": const("svc"), "tags": refs("var.team", "var.cost_center")}),
    ], providers=[provider("aws", region="us-east-1")], modules={
        "module.svc": {"source": "./modules/svc", "expressions": {"team": const("caller")},
                       "variables": {"cost_center": {"default": "cc-1234"}, "team": {}}}})

    data_tags = {"cost-center": "cc-1234", "team": "data"}
    t["reusable_module_called"] = plan([
        R("module.s3_bucket.aws_s3_bucket.logs", {"bucket": "acme-data-logs", "tags": data_tags,
                                                  "tags_all": data_tags}, region="eu-west-1",
          expr={"bucket": refs("var.bucket"), "tags": refs("var.tags")}),
        R("module.s3_bucket.aws_s3_bucket.this[0]", {"bucket": "acme-data", "tags": {**data_tags, "Name": "acme-data"},
                                                     "tags_all": {**data_tags, "Name": "acme-data"}},
          region="eu-west-1", expr={"bucket": refs("var.bucket"), "tags": refs("var.tags", "var.bucket")},
          count_expr=refs("var.create_bucket")),
        R("module.s3_bucket.aws_sqs_queue.events", {"name": "acme-data-events",
                                                    "tags": {"cost-center": "cc-1234", "team": "storage"},
                                                    "tags_all": {"cost-center": "cc-1234", "team": "storage"}},
          region="eu-west-1", expr={"name": refs("var.bucket"), "tags": refs("var.tags")}),
    ], providers=[provider("aws", region="eu-west-1")], modules={
        "module.s3_bucket": {"source": "./modules/s3-bucket", "expressions": {
            "bucket": const("acme-data"), "tags": const(data_tags)}, "variables": {
            "bucket": {"default": None, "description": "The name of the bucket"},
            "create_bucket": {"default": True, "description": "Controls if the S3 bucket should be created"},
            "tags": {"default": {}, "description": "A mapping of tags to assign to the bucket"}}}})

    ml_cc = {"cost-center": "cc-1234", "team": "ml"}
    t["local_module_output"] = plan([
        R("aws_s3_bucket.data", {"tags": ml_cc, "tags_all": ml_cc}, region="us-east-1",
          expr={"tags": refs("module.labels.tags", "module.labels")}),
    ], providers=[provider("aws", region="us-east-1")], modules={
        "module.labels": {"source": "./modules/labels", "expressions": {
            "cost_center": const("cc-1234"), "team": const("ml")}, "variables": {"cost_center": {}, "team": {}}}})

    def svc_queue(key: str, team: str, cc: str) -> dict:
        tags = {"Name": f"svc-{key}", "cost-center": cc, "keys": "api,worker", "team": team}
        return R(f'aws_sqs_queue.svc["{key}"]', {"name": f"svc-{key}", "tags": tags, "tags_all": tags},
                 region="us-east-1", expr={"name": refs("each.key"), "tags": refs("each.value.team")},
                 for_each_expr=refs("local.services"))

    t["for_expressions"] = plan([
        R("aws_s3_bucket.normalised", {"tags": ml_cc, "tags_all": ml_cc}, region="us-east-1",
          expr={"tags": refs("local.clean")}),
        svc_queue("api", "web", "cc-1000"), svc_queue("worker", "batch", "cc-2000"),
    ], providers=[provider("aws", region="us-east-1")])

    platform_cc = {"cost-center": "cc-1234", "team": "platform"}
    t["optional_attribute_defaults"] = plan([
        R("aws_s3_bucket.owned", {"tags": platform_cc, "tags_all": platform_cc}, region="us-east-1",
          expr={"tags": refs("var.ownership.team", "var.ownership")}),
    ], providers=[provider("aws", region="us-east-1")], variables={"ownership": {"default": {}}},
        variable_values={"ownership": {"cost_center": "cc-1234", "team": "platform"}})

    t["override_files"] = plan([
        R("aws_s3_bucket.data", {"bucket": "acme-data", "tags": ml_cc, "tags_all": ml_cc}, region="us-east-1",
          expr={"bucket": const("acme-data"), "tags": const(ml_cc)}),
    ], providers=[provider("aws", region="us-east-1")])

    buckets = [{"name": "raw", "team": "ingest"}, {"name": "curated", "team": ""}]
    t["for_each_from_tfvars"] = plan([
        R('aws_s3_bucket.this["curated"]', {"bucket": "curated", "tags": {"cost-center": "cc-1234", "team": ""}},
          region="us-east-1", expr={"bucket": refs("each.key"), "tags": refs("local.base", "each.value.team")},
          for_each_expr=refs("var.buckets")),
        R('aws_s3_bucket.this["raw"]', {"bucket": "raw", "tags": {"cost-center": "cc-1234", "team": "ingest"},
                                        "tags_all": {"cost-center": "cc-1234", "team": "ingest"}}, region="us-east-1"),
    ], providers=[provider("aws", region="us-east-1")],
        variables={"buckets": {"default": []}, "enabled": {"default": True}},
        variable_values={"buckets": buckets, "enabled": False},
        extra_config_resources={"": [{"address": "aws_sqs_queue.optional", "mode": "managed",
                                      "type": "aws_sqs_queue", "name": "optional", "provider_config_key": "aws",
                                      "expressions": {"name": const("optional")}, "schema_version": 0,
                                      "count_expression": refs("var.enabled")}]})

    t["module_null_argument"] = plan([
        R("module.defaults.aws_s3_bucket.this", {"bucket_prefix": "acme-", "tags": platform_cc,
                                                 "tags_all": platform_cc}, region="us-east-1",
          expr={"bucket_prefix": const("acme-"), "tags": refs("var.tags")}),
    ], providers=[provider("aws", region="us-east-1")], modules={
        "module.defaults": {"source": "./modules/bucket", "expressions": {"tags": refs("var.override_tags")},
                            "variables": {"tags": {"default": platform_cc}}}},
        variables={"override_tags": {}}, variable_values={"override_tags": None})

    t["file_path_scan"] = plan([
        R("aws_s3_bucket.data", {"tags": ml_cc, "tags_all": ml_cc}, region="us-east-1",
          expr={"tags": refs("local.tags")}),
        R("module.queue.aws_sqs_queue.this", {"name": "q", "tags": ml_cc, "tags_all": ml_cc}, region="us-east-1",
          expr={"name": const("q"), "tags": refs("var.tags")}),
    ], providers=[provider("aws", region="us-east-1")], modules={
        "module.queue": {"source": "./modules/queue", "expressions": {"tags": refs("local.tags")},
                         "variables": {"tags": {"default": {}}}}})
    return t


def main() -> None:
    TWINS.mkdir(exist_ok=True)
    for name, doc in twins().items():
        text = json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
        (TWINS / f"{name}.plan.json").write_text(text, encoding="utf-8")
        print(f"wrote twins/{name}.plan.json")


if __name__ == "__main__":
    main()
