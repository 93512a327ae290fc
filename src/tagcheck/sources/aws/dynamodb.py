"""DynamoDB tables (``aws_dynamodb_table``).

ListTables gives names only: DescribeTable for the billing mode and capacity,
ListTagsOfResource for the tags (paged by NextToken; botocore has no paginator for it).
"""

from __future__ import annotations

from typing import Any

from tagcheck.sources.aws.common import CollectContext, Outcome, iso, pairs, unknown_tags

SERVICE = "dynamodb"


def _tags(client: Any, arn: str) -> dict[str, str]:
    tags: dict[str, str] = {}
    params = {"ResourceArn": arn}
    while True:
        page = client.list_tags_of_resource(**params)
        tags.update(pairs(page.get("Tags")))
        if not page.get("NextToken"):
            return tags
        params["NextToken"] = page["NextToken"]


def tables(ctx: CollectContext) -> Outcome:
    out = Outcome()
    client = ctx.client("dynamodb")
    for name in ctx.pages(client, "list_tables", "TableNames"):
        ok, described = ctx.try_read(f"DescribeTable {name}", lambda: client.describe_table(TableName=name))
        table = described.get("Table") if ok else {}
        arn = table.get("TableArn") or ctx.arn("dynamodb", f"table/{name}")
        ok_tags, value = ctx.try_read(f"ListTagsOfResource {name}", lambda: _tags(client, arn))
        tags = value if ok_tags else unknown_tags(value)
        throughput = table.get("ProvisionedThroughput") or {}
        billing = (table.get("BillingModeSummary") or {}).get("BillingMode") or ("PROVISIONED" if table else None)
        attributes = {"name": name, "billing_mode": billing,
                      "read_capacity": throughput.get("ReadCapacityUnits"),
                      "write_capacity": throughput.get("WriteCapacityUnits"),
                      "table_class": (table.get("TableClassSummary") or {}).get("TableClass") or ("STANDARD" if table else None)}
        live = {"state": table.get("TableStatus"), "item_count": table.get("ItemCount"),
                "size_bytes": table.get("TableSizeBytes"), "create_time": iso(table.get("CreationDateTime"))}
        out.resources.append(ctx.resource("aws_dynamodb_table", arn, tags, attributes, live))
    return out


COLLECTORS = {"tables": tables}
