"""Lambda functions (``aws_lambda_function``).

ListFunctions does not return tags, so each function costs one ListTags call.
Lambda is billed by use, which code and configuration do not show: no estimate.
"""

from __future__ import annotations

from tagcheck.sources.aws.common import CollectContext, Outcome, unknown_tags

SERVICE = "lambda"


def functions(ctx: CollectContext) -> Outcome:
    out = Outcome()
    client = ctx.client("lambda")
    for item in ctx.pages(client, "list_functions", "Functions"):
        arn = item["FunctionArn"]
        ok, value = ctx.try_read(f"ListTags {item['FunctionName']}", lambda: client.list_tags(Resource=arn))
        tags = (value.get("Tags") or {}) if ok else unknown_tags(value)
        attributes = {"function_name": item.get("FunctionName"), "runtime": item.get("Runtime"),
                      "memory_size": item.get("MemorySize"), "timeout": item.get("Timeout"),
                      "architectures": item.get("Architectures") or ["x86_64"], "package_type": item.get("PackageType"),
                      "ephemeral_storage": [{"size": (item.get("EphemeralStorage") or {}).get("Size")}]}
        live = {"last_modified": item.get("LastModified"), "code_size": item.get("CodeSize"), "state": item.get("State")}
        out.resources.append(ctx.resource("aws_lambda_function", arn, tags, attributes, live))
    return out


COLLECTORS = {"functions": functions}
