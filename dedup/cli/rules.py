"""``dedup rules`` and ``dedup explain``."""

from __future__ import annotations

import inspect

import click


@click.command()
def rules() -> None:
    """List every rule: code, name, kind, groups, fixable, default severity."""
    from tabulate import tabulate

    from dedup.rules import registry

    rows = [
        [r.code, r.name, r.kind, ",".join(r.groups), "yes" if r.fixable else "no", r.default_severity.value,
         r.description()]
        for r in registry.all()
    ]
    click.echo(tabulate(rows, headers=["code", "name", "kind", "groups", "fixable", "severity", "description"]))


@click.command()
@click.argument("code")
def explain(code: str) -> None:
    """Describe the rule CODE (a code such as DUP002, or a name), with examples."""
    from dedup.rules import registry

    try:
        rule = registry.get(code)
    except KeyError:
        raise click.UsageError(f"no rule {code!r}; `dedup rules` lists them") from None
    click.echo(f"{rule.code} {rule.name} (kind {rule.kind}; groups: {', '.join(rule.groups) or '-'})")
    click.echo(f"default severity: {rule.default_severity.value}; fixable: {'yes' if rule.fixable else 'no'}")
    click.echo("")
    click.echo(inspect.cleandoc(rule.__doc__ or ""))
    if rule.options:
        click.echo("\nOptions ([tool.dedup.rules." + rule.code + "]):")
        for name, value in rule.options.items():
            click.echo(f"  {name} = {value!r}")
    if rule.examples_bad:
        click.echo("\nFlags:")
        for bad, fixed in rule.examples_bad:
            click.echo("  " + bad.replace("\n", "\n  "))
            if fixed is not None:
                click.echo("  → " + fixed.replace("\n", "\n    "))
            click.echo("")
    if rule.examples_good:
        click.echo("Leaves alone:")
        for good in rule.examples_good:
            click.echo("  " + good.replace("\n", "\n  "))
            click.echo("")
