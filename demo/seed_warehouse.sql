-- A small, deterministic shop warehouse for the demo: customers, products, orders, order items.
CREATE TABLE customers (
    customer_id INTEGER PRIMARY KEY,
    name VARCHAR NOT NULL,
    email VARCHAR NOT NULL,
    country VARCHAR NOT NULL,
    segment VARCHAR NOT NULL,
    signup_date DATE NOT NULL
);
COMMENT ON TABLE customers IS 'People and companies who have placed at least one order';
COMMENT ON COLUMN customers.segment IS 'Customer segment: consumer, small business or enterprise';

CREATE TABLE products (
    product_id INTEGER PRIMARY KEY,
    name VARCHAR NOT NULL,
    category VARCHAR NOT NULL,
    price DECIMAL(10, 2) NOT NULL
);

CREATE TABLE orders (
    order_id INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers (customer_id),
    order_date DATE NOT NULL,
    status VARCHAR NOT NULL,
    amount DECIMAL(10, 2) NOT NULL
);
COMMENT ON COLUMN orders.amount IS 'Order total in EUR, the revenue of the order';

CREATE TABLE order_items (
    order_id INTEGER NOT NULL REFERENCES orders (order_id),
    product_id INTEGER NOT NULL REFERENCES products (product_id),
    quantity INTEGER NOT NULL,
    PRIMARY KEY (order_id, product_id)
);

INSERT INTO customers
SELECT
    i,
    ['Ada', 'Bruno', 'Chen', 'Dana', 'Emil', 'Fatima', 'Goran', 'Hana', 'Ivo', 'Jana'][1 + i % 10]
        || ' ' || ['Meyer', 'Rossi', 'Silva', 'Novak', 'Berg', 'Khan'][1 + (i * 7) % 6],
    'customer' || i || '@example.com',
    ['Germany', 'France', 'Italy', 'Spain', 'Poland', 'Sweden'][1 + (i * 5) % 6],
    ['consumer', 'small business', 'enterprise'][1 + i % 3],
    DATE '2022-01-01' + INTERVAL (i * 11) DAY
FROM range(1, 61) AS t(i);

INSERT INTO products
SELECT
    i,
    ['Desk', 'Chair', 'Lamp', 'Shelf', 'Monitor', 'Keyboard', 'Mouse', 'Notebook'][1 + i % 8]
        || ' ' || ['Basic', 'Pro', 'Max'][1 + i % 3],
    ['furniture', 'furniture', 'lighting', 'furniture', 'electronics', 'electronics', 'electronics',
     'stationery'][1 + i % 8],
    round(5 + (i * 37) % 400 + (i % 4) * 0.25, 2)
FROM range(1, 25) AS t(i);

INSERT INTO orders
SELECT
    i,
    1 + (i * 13) % 60,
    DATE '2023-01-01' + INTERVAL ((i * 5) % 700) DAY,
    ['completed', 'completed', 'completed', 'shipped', 'cancelled', 'returned'][1 + i % 6],
    0
FROM range(1, 401) AS t(i);

INSERT INTO order_items
SELECT o.order_id, 1 + (o.order_id * 7 + k * 5) % 24, 1 + (o.order_id + k) % 4
FROM orders AS o, range(1, 4) AS r(k);

UPDATE orders SET amount = totals.total
FROM (
    SELECT oi.order_id, sum(oi.quantity * p.price) AS total
    FROM order_items AS oi JOIN products AS p USING (product_id)
    GROUP BY oi.order_id
) AS totals
WHERE orders.order_id = totals.order_id;
