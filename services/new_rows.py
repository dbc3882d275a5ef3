"""New rows written without the ORM's flush, and then held by the session as a flush would leave
them: persistent, ids filled in, nothing pending.

A record's save writes its people, its row, its links and its first check. Flushing them cost the
ORM's unit of work (sorting, bookkeeping, events) twice what the INSERTs themselves cost, and one
round trip per table. Here they go in as one statement on PostgreSQL (an INSERT per row, each a
data-modifying WITH, returning the ids), one INSERT per table on SQLite, where a statement is no
round trip. Nothing else changes: the same columns go in, in the same transaction, their text
checked as every flushed row's is (services.stored_text).

Rows that need no object (a new record's reminders and thread posts, `plain`) and statements that
only add rows (its search words, `also`) can go in after them, in the same statement on PostgreSQL:
each round trip costs a statement's conversion, sending and waiting, whatever it carries."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import Enum
from itertools import groupby
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.sql.schema import ScalarElementColumnDefault
from sqlmodel import Session, SQLModel

from services import stored_text

M = TypeVar("M", bound=SQLModel)
Shape = tuple[tuple[sa.Table, tuple[str, ...]], ...]  # each row's table and the columns it sets
Plain = tuple[sa.Table, Sequence[dict[str, Any]]]  # rows of one table, as values: no object, no id read back


@dataclass(frozen=True)
class Also:
    """A statement adding rows that refer to the new rows, run after them: `statement` built once
    (its shape is part of the cached statement's), its parameters named apart from the rows'."""

    statement: sa.Insert
    params: dict[str, Any]


PlainShape = tuple[tuple[sa.Table, int, tuple[str, ...]], ...]  # each plain table, its row count and columns
Key = tuple[Shape, PlainShape, tuple[int, ...]]  # and the `also` statements, by identity (each built once)

_STATEMENTS: dict[Key, sa.Select[Any]] = {}  # built once per shape, so its SQL is compiled once
_SHAPES_KEPT = 200  # a few shapes in use (a record's people, its row, its links and checks)


def insert_new(
    session: Session, rows: Sequence[SQLModel], *, plain: Sequence[Plain] = (), also: Sequence[Also] = ()
) -> None:
    """Insert `rows` (new objects, added to no session), none referring to another of them, and
    add them to `session` as persistent; then the `plain` rows (each table's in one INSERT on
    SQLite), then the `also` statements, in that order."""
    stored_text.refuse_unstorable_rows(rows)
    if session.new or session.dirty:  # what the session holds goes in first, as a flush would send it
        session.flush()
    connection = session.connection()
    values = [_values(row) for row in rows]
    plain = [(table, [_with_defaults(table, row) for row in given]) for table, given in plain if given]
    if connection.dialect.name == "postgresql":
        _in_one_statement(connection, rows, values, plain, also)
    else:
        _table_by_table(connection, rows, values)
        for table, given in plain:
            connection.execute(sa.insert(table), list(given))
        for statement in also:
            connection.execute(statement.statement, statement.params)
    for row in rows:
        make_transient_to_detached(row)  # what it holds is what the database holds now
        session.add(row)


def new_row(model: type[M], **values: Any) -> M:
    """A new row of `model`, as `model(**values)` makes it (its fields' defaults for the rest; a
    table model is not validated either way), built as SQLAlchemy builds a row it loads: its
    values put in place rather than set one by one through the ORM's and pydantic's attribute
    events, which cost a save more than its INSERT. For rows that insert_new writes, whose history
    it resets anyway; a row still to be flushed needs the events (model(...))."""
    row: M = model._sa_class_manager.new_instance()  # type: ignore[attr-defined]
    fixed, made = _DEFAULTS.get(model) or _defaults(model)
    held = row.__dict__
    held.update(fixed)
    for name, field in made:
        held[name] = field.get_default(call_default_factory=True)
    unknown = values.keys() - model.model_fields.keys()
    if unknown:
        raise TypeError(f"{model.__name__} has no fields {sorted(unknown)}")
    held.update(values)
    object.__setattr__(row, "__pydantic_fields_set__", set(values))
    return row


_IMMUTABLE = (type(None), bool, int, float, str, Enum, date)
_DEFAULTS: dict[type[SQLModel], tuple[dict[str, Any], list[tuple[str, Any]]]] = {}


def _defaults(model: type[SQLModel]) -> tuple[dict[str, Any], list[tuple[str, Any]]]:
    """Each optional field's default: the immutable ones once, the rest (a factory, a mutable
    value) to be made afresh for each row, as pydantic makes them."""
    fixed: dict[str, Any] = {}
    made: list[tuple[str, Any]] = []
    for name, field in model.model_fields.items():
        if field.is_required():
            continue
        if field.default_factory is None and isinstance(field.default, _IMMUTABLE):
            fixed[name] = field.default
        else:
            made.append((name, field))
    _DEFAULTS[model] = fixed, made
    return fixed, made


def _in_one_statement(
    connection: sa.Connection,
    rows: Sequence[SQLModel],
    values: list[dict[str, Any]],
    plain: Sequence[Plain],
    also: Sequence[Also],
) -> None:
    shape: Shape = tuple((_table(row), tuple(given)) for row, given in zip(rows, values, strict=True))
    plain_shape: PlainShape = tuple(
        (table, 0 if _as_json(table) else len(given), tuple(given[0])) for table, given in plain
    )
    key: Key = (shape, plain_shape, tuple(id(statement.statement) for statement in also))
    statement = _STATEMENTS.get(key)
    if statement is None:
        if len(_STATEMENTS) >= _SHAPES_KEPT:
            _STATEMENTS.clear()
        statement = _STATEMENTS[key] = _statement(shape, plain_shape, [a.statement for a in also])
    dialect = connection.dialect
    params: dict[str, Any] = {}
    for n, (row, given) in enumerate(zip(rows, values, strict=True)):
        table = _table(row)
        if _as_json(table):
            params[f"r{n}"] = json.dumps(_json_values(table, given, dialect))
        else:
            params.update({f"r{n}_{column}": value for column, value in given.items()})
    for t, (table, many) in enumerate(plain):
        if _as_json(table):
            params[f"p{t}"] = json.dumps([_json_values(table, row, dialect) for row in many])
        else:
            params.update({f"p{t}_{n}_{c}": value for n, row in enumerate(many) for c, value in row.items()})
    for statement_also in also:
        params.update(statement_also.params)
    ids = iter(connection.execute(statement, params).one())
    for row in rows:
        if (generated := _table(row).autoincrement_column) is not None:
            given_id = next(ids)
            if getattr(row, generated.key) != given_id:  # an id handed out before is set already
                setattr(row, generated.key, given_id)


def _statement(shape: Shape, plain: PlainShape, also: Sequence[sa.Insert]) -> sa.Select[Any]:
    """`INSERT ... RETURNING id` for each row as a data-modifying WITH, and a SELECT of the ids
    returned, in the rows' order (one row each, so one row in all); then an INSERT of each table's
    plain rows and each `also`, data-modifying WITHs too (PostgreSQL runs each once, read or not).

    A row goes as one JSON parameter, made a row of its table by PostgreSQL (json_populate_record),
    and a table's plain rows as one JSON array: psycopg converts a statement of more than 50
    parameters or 4 KB afresh each time (its cache leaves such statements out), and that conversion
    and the parameters' own cost most of a save's CPU. A table with a column that JSON does not
    carry as is (_as_json) has a parameter per column instead."""
    inserts: list[sa.CTE] = []
    returned: list[sa.ColumnElement[Any]] = []
    for n, (table, columns) in enumerate(shape):
        if _as_json(table):
            insert = sa.insert(table).from_select(columns, from_json(table, columns, f"r{n}", "json_populate_record"))
        else:
            insert = sa.insert(table).values({c: sa.bindparam(f"r{n}_{c}", type_=table.c[c].type) for c in columns})
        generated = table.autoincrement_column
        if generated is not None:
            insert = insert.returning(generated)
        inserts.append(cte := insert.cte(f"r{n}"))
        if generated is not None:
            returned.append(sa.select(cte.c[generated.key]).scalar_subquery().label(f"r{n}"))
    for t, (table, count, columns) in enumerate(plain):
        if _as_json(table):
            rows = from_json(table, columns, f"p{t}", "json_populate_recordset")
            inserts.append(sa.insert(table).from_select(columns, rows).cte(f"p{t}"))
            continue
        # A row each: a multi-row VALUES is compiled afresh every time (SQLAlchemy caches no
        # statement holding one), which costs more than the rest of the save.
        for n in range(count):
            values = {c: sa.bindparam(f"p{t}_{n}_{c}", type_=table.c[c].type) for c in columns}
            inserts.append(sa.insert(table).values(values).cte(f"p{t}_{n}"))
    inserts.extend(statement.cte(f"a{n}") for n, statement in enumerate(also))
    return sa.select(*(returned or [sa.literal(None)])).add_cte(*inserts)


def from_json(table: sa.Table, columns: Sequence[str], name: str, function: str) -> sa.Select[Any]:
    """SELECT the columns of the table's row (or rows) in the JSON parameter `name`."""
    typed: sa.ColumnElement[Any] = sa.literal_column(f'NULL::"{table.name}"')
    given = sa.cast(sa.bindparam(name, type_=sa.Text), postgresql.JSON)
    source = getattr(sa.func, function)(typed, given).alias()
    # Unqualified and unlabelled (the names are the table's own): the statement stays under the
    # length psycopg keeps the conversion of.
    named: list[sa.ColumnElement[Any]] = [_as_stored(table.c[c]) for c in columns]
    return sa.select(*named).select_from(source)


def _as_stored(column: sa.Column[Any]) -> sa.ColumnElement[Any]:
    """The column as read from the JSON. A JSON column keeps its value as it is, but a JSON null
    becomes SQL NULL, where the column type stores None as JSON's null (none_as_null unset): so
    there the null is put back."""
    named: sa.ColumnClause[Any] = sa.column(column.key)
    if isinstance(column.type, sa.JSON) and not column.type.none_as_null:
        return sa.func.coalesce(named, sa.literal_column("'null'::json")).label(column.key)
    return named


# Column types whose values, once bound as SQLAlchemy binds them, JSON carries as PostgreSQL reads
# them back from text: numbers, strings (an enum's value included), booleans, and ISO dates and
# instants (an aware one with its offset).
_JSON_TYPES: tuple[type[sa.types.TypeEngine[Any]], ...] = (
    sa.Integer,
    sa.String,
    sa.Boolean,
    sa.Date,
    sa.DateTime,
    sa.Enum,
    sa.JSON,  # carried as the JSON it is (_json_values), not as the text it is bound as
)
_JSON_READY: dict[sa.Table, bool] = {}


def _as_json(table: sa.Table) -> bool:
    ready = _JSON_READY.get(table)
    if ready is None:
        # A generated column is never written, so its type does not matter here.
        ready = _JSON_READY[table] = all(
            (isinstance(column.type, sa.TypeDecorator) and isinstance(column.type.impl_instance, _JSON_TYPES))
            or isinstance(column.type, _JSON_TYPES)
            for column in table.c
            if column.computed is None
        )
    return ready


def _json_values(table: sa.Table, row: dict[str, Any], dialect: sa.Dialect) -> dict[str, Any]:
    """The row's values as the statement would bind them (each column type's own conversion and
    checks: an instant in UTC, an enum's value), in the form JSON carries."""
    binds = _BINDS.get(table)
    if binds is None:
        binds = _BINDS[table] = {
            c.key: None if isinstance(c.type, sa.JSON) else c.type._cached_bind_processor(dialect) for c in table.c
        }
    out = {}
    for column, value in row.items():
        if value is None:  # a missing key is read as NULL, as a JSON null is: no conversion to run
            continue
        bind = binds[column]
        bound = bind(value) if bind is not None else value
        out[column] = bound.isoformat() if isinstance(bound, date) else bound  # a datetime is a date
    return out


_BINDS: dict[sa.Table, dict[str, Any]] = {}  # each column's bind conversion (PostgreSQL's: the only dialect here)


def _table_by_table(connection: sa.Connection, rows: Sequence[SQLModel], values: list[dict[str, Any]]) -> None:
    """One INSERT per table, in the order the rows are given."""
    given = list(zip(rows, values, strict=True))
    for table, same in groupby(given, key=lambda pair: _table(pair[0])):
        group = list(same)
        generated = table.autoincrement_column
        if generated is None:
            connection.execute(sa.insert(table), [v for _, v in group])
            continue
        statement = sa.insert(table).returning(generated, sort_by_parameter_order=True)
        new_ids = connection.execute(statement, [v for _, v in group]).scalars()
        for (row, _), new_id in zip(group, new_ids, strict=True):
            setattr(row, generated.key, new_id)


def _with_defaults(table: sa.Table, row: dict[str, Any]) -> dict[str, Any]:
    """The row with its columns' Python-side defaults, as an INSERT of the table fills them in
    (one in a WITH does not)."""
    missing = {}
    for column in table.c:
        if column.key in row or column.default is None:
            continue
        default = column.default
        if not isinstance(default, ScalarElementColumnDefault):
            raise TypeError(f"{table.name}.{column.key}: only a constant default is filled in here")
        missing[column.key] = default.arg
    return {**row, **missing}


def _table(row: SQLModel) -> sa.Table:
    table: sa.Table = row.__table__  # type: ignore[attr-defined]
    return table


def _values(row: SQLModel) -> dict[str, Any]:
    """The row's columns as set on it; a generated id left out for the database to give."""
    held = row.__dict__  # where the ORM keeps what is set: read there, not through its descriptors
    values = {column: held[name] if name in held else getattr(row, name) for name, column in _columns_of(type(row))}
    generated = _table(row).autoincrement_column
    if generated is not None and values.get(generated.key) is None:
        del values[generated.key]
    return values


_COLUMNS: dict[type[SQLModel], list[tuple[str, str]]] = {}


def _columns_of(model: type[SQLModel]) -> list[tuple[str, str]]:
    """Each column attribute of the model and its column's key, read once per model."""
    columns = _COLUMNS.get(model)
    if columns is None:
        mapper = sa.inspect(model)
        columns = _COLUMNS[model] = [(attr.key, attr.columns[0].key) for attr in mapper.column_attrs]
    return columns
