/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
  '\n  fragment StoreMoney on Money {\n    amountCents\n    currency\n    formatted\n  }\n': typeof types.StoreMoneyFragmentDoc;
  '\n  fragment StoreProduct on Product {\n    id\n    name\n    description\n    price {\n      ...StoreMoney\n    }\n    stock\n    inStock\n  }\n': typeof types.StoreProductFragmentDoc;
  '\n  fragment StoreViewer on User {\n    id\n    name\n    email\n    role\n  }\n': typeof types.StoreViewerFragmentDoc;
  '\n  fragment StoreAuth on AuthPayload {\n    accessToken\n    refreshToken\n    expiresIn\n    user {\n      ...StoreViewer\n    }\n  }\n': typeof types.StoreAuthFragmentDoc;
  '\n  fragment StoreCart on Cart {\n    id\n    itemCount\n    subtotal {\n      ...StoreMoney\n    }\n    items {\n      id\n      quantity\n      product {\n        id\n        name\n        stock\n        inStock\n      }\n      unitPrice {\n        ...StoreMoney\n      }\n      lineTotal {\n        ...StoreMoney\n      }\n      priceWhenAdded {\n        ...StoreMoney\n      }\n      priceChanged\n    }\n  }\n': typeof types.StoreCartFragmentDoc;
  '\n  fragment StoreOrder on Order {\n    id\n    status\n    failureReason\n    total {\n      ...StoreMoney\n    }\n    items {\n      name\n      quantity\n      product {\n        id\n      }\n      unitPrice {\n        ...StoreMoney\n      }\n      lineTotal {\n        ...StoreMoney\n      }\n    }\n    statusHistory {\n      status\n      at\n      reason\n    }\n    createdAt\n    updatedAt\n  }\n': typeof types.StoreOrderFragmentDoc;
  '\n  query StoreProducts($first: Int!, $after: String, $search: String, $sellerId: ID) {\n    products(first: $first, after: $after, search: $search, sellerId: $sellerId) {\n      edges {\n        cursor\n        node {\n          ...StoreProduct\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      totalCount\n    }\n  }\n': typeof types.StoreProductsDocument;
  '\n  query StoreProductPage($id: ID!) {\n    product(id: $id) {\n      ...StoreProduct\n    }\n  }\n': typeof types.StoreProductPageDocument;
  '\n  query StoreMe {\n    me {\n      ...StoreViewer\n      cart {\n        id\n        itemCount\n      }\n    }\n  }\n': typeof types.StoreMeDocument;
  '\n  mutation StoreLogin($email: String!, $password: String!) {\n    login(email: $email, password: $password) {\n      ...StoreAuth\n    }\n  }\n': typeof types.StoreLoginDocument;
  '\n  mutation StoreRegister($input: RegisterInput!) {\n    register(input: $input) {\n      ...StoreAuth\n    }\n  }\n': typeof types.StoreRegisterDocument;
  '\n  mutation StoreRefreshSession($refreshToken: String!) {\n    refreshSession(refreshToken: $refreshToken) {\n      ...StoreAuth\n    }\n  }\n': typeof types.StoreRefreshSessionDocument;
  '\n  mutation StoreLogout($refreshToken: String!) {\n    logout(refreshToken: $refreshToken)\n  }\n': typeof types.StoreLogoutDocument;
  '\n  query StoreCartPage {\n    me {\n      id\n      cart {\n        ...StoreCart\n      }\n    }\n  }\n': typeof types.StoreCartPageDocument;
  '\n  mutation StoreAddToCart($productId: ID!, $quantity: Int!) {\n    addToCart(productId: $productId, quantity: $quantity) {\n      ...StoreCart\n    }\n  }\n': typeof types.StoreAddToCartDocument;
  '\n  mutation StoreUpdateCartItem($productId: ID!, $quantity: Int!) {\n    updateCartItem(productId: $productId, quantity: $quantity) {\n      ...StoreCart\n    }\n  }\n': typeof types.StoreUpdateCartItemDocument;
  '\n  mutation StoreRemoveFromCart($productId: ID!) {\n    removeFromCart(productId: $productId) {\n      ...StoreCart\n    }\n  }\n': typeof types.StoreRemoveFromCartDocument;
  '\n  mutation StoreCheckout($input: CheckoutInput!) {\n    checkout(input: $input) {\n      ...StoreOrder\n    }\n  }\n': typeof types.StoreCheckoutDocument;
  '\n  query StoreOrderPage($id: ID!) {\n    order(id: $id) {\n      ...StoreOrder\n    }\n  }\n': typeof types.StoreOrderPageDocument;
  '\n  subscription StoreOrderStatus($orderId: ID!) {\n    orderStatusChanged(orderId: $orderId) {\n      ...StoreOrder\n    }\n  }\n': typeof types.StoreOrderStatusDocument;
  '\n  mutation StoreCancelOrder($id: ID!) {\n    cancelOrder(id: $id) {\n      ...StoreOrder\n    }\n  }\n': typeof types.StoreCancelOrderDocument;
  '\n  query StoreMyOrders($first: Int!, $after: String) {\n    me {\n      id\n      orders(first: $first, after: $after) {\n        edges {\n          cursor\n          node {\n            id\n            status\n            total {\n              ...StoreMoney\n            }\n            items {\n              name\n              quantity\n            }\n            createdAt\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n': typeof types.StoreMyOrdersDocument;
  '\n  mutation StoreUpdateProduct($id: ID!, $input: UpdateProductInput!) {\n    updateProduct(id: $id, input: $input) {\n      ...StoreProduct\n    }\n  }\n': typeof types.StoreUpdateProductDocument;
  '\n  mutation StoreCreateProduct($input: CreateProductInput!) {\n    createProduct(input: $input) {\n      ...StoreProduct\n    }\n  }\n': typeof types.StoreCreateProductDocument;
  '\n  query StoreMySales($first: Int!) {\n    me {\n      id\n      sales(first: $first) {\n        edges {\n          cursor\n          node {\n            id\n            orderId\n            name\n            quantity\n            lineTotal {\n              ...StoreMoney\n            }\n            soldAt\n          }\n        }\n        totalCount\n      }\n    }\n  }\n': typeof types.StoreMySalesDocument;
};
const documents: Documents = {
  '\n  fragment StoreMoney on Money {\n    amountCents\n    currency\n    formatted\n  }\n': types.StoreMoneyFragmentDoc,
  '\n  fragment StoreProduct on Product {\n    id\n    name\n    description\n    price {\n      ...StoreMoney\n    }\n    stock\n    inStock\n  }\n':
    types.StoreProductFragmentDoc,
  '\n  fragment StoreViewer on User {\n    id\n    name\n    email\n    role\n  }\n': types.StoreViewerFragmentDoc,
  '\n  fragment StoreAuth on AuthPayload {\n    accessToken\n    refreshToken\n    expiresIn\n    user {\n      ...StoreViewer\n    }\n  }\n':
    types.StoreAuthFragmentDoc,
  '\n  fragment StoreCart on Cart {\n    id\n    itemCount\n    subtotal {\n      ...StoreMoney\n    }\n    items {\n      id\n      quantity\n      product {\n        id\n        name\n        stock\n        inStock\n      }\n      unitPrice {\n        ...StoreMoney\n      }\n      lineTotal {\n        ...StoreMoney\n      }\n      priceWhenAdded {\n        ...StoreMoney\n      }\n      priceChanged\n    }\n  }\n':
    types.StoreCartFragmentDoc,
  '\n  fragment StoreOrder on Order {\n    id\n    status\n    failureReason\n    total {\n      ...StoreMoney\n    }\n    items {\n      name\n      quantity\n      product {\n        id\n      }\n      unitPrice {\n        ...StoreMoney\n      }\n      lineTotal {\n        ...StoreMoney\n      }\n    }\n    statusHistory {\n      status\n      at\n      reason\n    }\n    createdAt\n    updatedAt\n  }\n':
    types.StoreOrderFragmentDoc,
  '\n  query StoreProducts($first: Int!, $after: String, $search: String, $sellerId: ID) {\n    products(first: $first, after: $after, search: $search, sellerId: $sellerId) {\n      edges {\n        cursor\n        node {\n          ...StoreProduct\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      totalCount\n    }\n  }\n':
    types.StoreProductsDocument,
  '\n  query StoreProductPage($id: ID!) {\n    product(id: $id) {\n      ...StoreProduct\n    }\n  }\n': types.StoreProductPageDocument,
  '\n  query StoreMe {\n    me {\n      ...StoreViewer\n      cart {\n        id\n        itemCount\n      }\n    }\n  }\n':
    types.StoreMeDocument,
  '\n  mutation StoreLogin($email: String!, $password: String!) {\n    login(email: $email, password: $password) {\n      ...StoreAuth\n    }\n  }\n':
    types.StoreLoginDocument,
  '\n  mutation StoreRegister($input: RegisterInput!) {\n    register(input: $input) {\n      ...StoreAuth\n    }\n  }\n':
    types.StoreRegisterDocument,
  '\n  mutation StoreRefreshSession($refreshToken: String!) {\n    refreshSession(refreshToken: $refreshToken) {\n      ...StoreAuth\n    }\n  }\n':
    types.StoreRefreshSessionDocument,
  '\n  mutation StoreLogout($refreshToken: String!) {\n    logout(refreshToken: $refreshToken)\n  }\n': types.StoreLogoutDocument,
  '\n  query StoreCartPage {\n    me {\n      id\n      cart {\n        ...StoreCart\n      }\n    }\n  }\n': types.StoreCartPageDocument,
  '\n  mutation StoreAddToCart($productId: ID!, $quantity: Int!) {\n    addToCart(productId: $productId, quantity: $quantity) {\n      ...StoreCart\n    }\n  }\n':
    types.StoreAddToCartDocument,
  '\n  mutation StoreUpdateCartItem($productId: ID!, $quantity: Int!) {\n    updateCartItem(productId: $productId, quantity: $quantity) {\n      ...StoreCart\n    }\n  }\n':
    types.StoreUpdateCartItemDocument,
  '\n  mutation StoreRemoveFromCart($productId: ID!) {\n    removeFromCart(productId: $productId) {\n      ...StoreCart\n    }\n  }\n':
    types.StoreRemoveFromCartDocument,
  '\n  mutation StoreCheckout($input: CheckoutInput!) {\n    checkout(input: $input) {\n      ...StoreOrder\n    }\n  }\n':
    types.StoreCheckoutDocument,
  '\n  query StoreOrderPage($id: ID!) {\n    order(id: $id) {\n      ...StoreOrder\n    }\n  }\n': types.StoreOrderPageDocument,
  '\n  subscription StoreOrderStatus($orderId: ID!) {\n    orderStatusChanged(orderId: $orderId) {\n      ...StoreOrder\n    }\n  }\n':
    types.StoreOrderStatusDocument,
  '\n  mutation StoreCancelOrder($id: ID!) {\n    cancelOrder(id: $id) {\n      ...StoreOrder\n    }\n  }\n':
    types.StoreCancelOrderDocument,
  '\n  query StoreMyOrders($first: Int!, $after: String) {\n    me {\n      id\n      orders(first: $first, after: $after) {\n        edges {\n          cursor\n          node {\n            id\n            status\n            total {\n              ...StoreMoney\n            }\n            items {\n              name\n              quantity\n            }\n            createdAt\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n':
    types.StoreMyOrdersDocument,
  '\n  mutation StoreUpdateProduct($id: ID!, $input: UpdateProductInput!) {\n    updateProduct(id: $id, input: $input) {\n      ...StoreProduct\n    }\n  }\n':
    types.StoreUpdateProductDocument,
  '\n  mutation StoreCreateProduct($input: CreateProductInput!) {\n    createProduct(input: $input) {\n      ...StoreProduct\n    }\n  }\n':
    types.StoreCreateProductDocument,
  '\n  query StoreMySales($first: Int!) {\n    me {\n      id\n      sales(first: $first) {\n        edges {\n          cursor\n          node {\n            id\n            orderId\n            name\n            quantity\n            lineTotal {\n              ...StoreMoney\n            }\n            soldAt\n          }\n        }\n        totalCount\n      }\n    }\n  }\n':
    types.StoreMySalesDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  fragment StoreMoney on Money {\n    amountCents\n    currency\n    formatted\n  }\n',
): (typeof documents)['\n  fragment StoreMoney on Money {\n    amountCents\n    currency\n    formatted\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  fragment StoreProduct on Product {\n    id\n    name\n    description\n    price {\n      ...StoreMoney\n    }\n    stock\n    inStock\n  }\n',
): (typeof documents)['\n  fragment StoreProduct on Product {\n    id\n    name\n    description\n    price {\n      ...StoreMoney\n    }\n    stock\n    inStock\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  fragment StoreViewer on User {\n    id\n    name\n    email\n    role\n  }\n',
): (typeof documents)['\n  fragment StoreViewer on User {\n    id\n    name\n    email\n    role\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  fragment StoreAuth on AuthPayload {\n    accessToken\n    refreshToken\n    expiresIn\n    user {\n      ...StoreViewer\n    }\n  }\n',
): (typeof documents)['\n  fragment StoreAuth on AuthPayload {\n    accessToken\n    refreshToken\n    expiresIn\n    user {\n      ...StoreViewer\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  fragment StoreCart on Cart {\n    id\n    itemCount\n    subtotal {\n      ...StoreMoney\n    }\n    items {\n      id\n      quantity\n      product {\n        id\n        name\n        stock\n        inStock\n      }\n      unitPrice {\n        ...StoreMoney\n      }\n      lineTotal {\n        ...StoreMoney\n      }\n      priceWhenAdded {\n        ...StoreMoney\n      }\n      priceChanged\n    }\n  }\n',
): (typeof documents)['\n  fragment StoreCart on Cart {\n    id\n    itemCount\n    subtotal {\n      ...StoreMoney\n    }\n    items {\n      id\n      quantity\n      product {\n        id\n        name\n        stock\n        inStock\n      }\n      unitPrice {\n        ...StoreMoney\n      }\n      lineTotal {\n        ...StoreMoney\n      }\n      priceWhenAdded {\n        ...StoreMoney\n      }\n      priceChanged\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  fragment StoreOrder on Order {\n    id\n    status\n    failureReason\n    total {\n      ...StoreMoney\n    }\n    items {\n      name\n      quantity\n      product {\n        id\n      }\n      unitPrice {\n        ...StoreMoney\n      }\n      lineTotal {\n        ...StoreMoney\n      }\n    }\n    statusHistory {\n      status\n      at\n      reason\n    }\n    createdAt\n    updatedAt\n  }\n',
): (typeof documents)['\n  fragment StoreOrder on Order {\n    id\n    status\n    failureReason\n    total {\n      ...StoreMoney\n    }\n    items {\n      name\n      quantity\n      product {\n        id\n      }\n      unitPrice {\n        ...StoreMoney\n      }\n      lineTotal {\n        ...StoreMoney\n      }\n    }\n    statusHistory {\n      status\n      at\n      reason\n    }\n    createdAt\n    updatedAt\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  query StoreProducts($first: Int!, $after: String, $search: String, $sellerId: ID) {\n    products(first: $first, after: $after, search: $search, sellerId: $sellerId) {\n      edges {\n        cursor\n        node {\n          ...StoreProduct\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      totalCount\n    }\n  }\n',
): (typeof documents)['\n  query StoreProducts($first: Int!, $after: String, $search: String, $sellerId: ID) {\n    products(first: $first, after: $after, search: $search, sellerId: $sellerId) {\n      edges {\n        cursor\n        node {\n          ...StoreProduct\n        }\n      }\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      totalCount\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  query StoreProductPage($id: ID!) {\n    product(id: $id) {\n      ...StoreProduct\n    }\n  }\n',
): (typeof documents)['\n  query StoreProductPage($id: ID!) {\n    product(id: $id) {\n      ...StoreProduct\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  query StoreMe {\n    me {\n      ...StoreViewer\n      cart {\n        id\n        itemCount\n      }\n    }\n  }\n',
): (typeof documents)['\n  query StoreMe {\n    me {\n      ...StoreViewer\n      cart {\n        id\n        itemCount\n      }\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  mutation StoreLogin($email: String!, $password: String!) {\n    login(email: $email, password: $password) {\n      ...StoreAuth\n    }\n  }\n',
): (typeof documents)['\n  mutation StoreLogin($email: String!, $password: String!) {\n    login(email: $email, password: $password) {\n      ...StoreAuth\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  mutation StoreRegister($input: RegisterInput!) {\n    register(input: $input) {\n      ...StoreAuth\n    }\n  }\n',
): (typeof documents)['\n  mutation StoreRegister($input: RegisterInput!) {\n    register(input: $input) {\n      ...StoreAuth\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  mutation StoreRefreshSession($refreshToken: String!) {\n    refreshSession(refreshToken: $refreshToken) {\n      ...StoreAuth\n    }\n  }\n',
): (typeof documents)['\n  mutation StoreRefreshSession($refreshToken: String!) {\n    refreshSession(refreshToken: $refreshToken) {\n      ...StoreAuth\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  mutation StoreLogout($refreshToken: String!) {\n    logout(refreshToken: $refreshToken)\n  }\n',
): (typeof documents)['\n  mutation StoreLogout($refreshToken: String!) {\n    logout(refreshToken: $refreshToken)\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  query StoreCartPage {\n    me {\n      id\n      cart {\n        ...StoreCart\n      }\n    }\n  }\n',
): (typeof documents)['\n  query StoreCartPage {\n    me {\n      id\n      cart {\n        ...StoreCart\n      }\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  mutation StoreAddToCart($productId: ID!, $quantity: Int!) {\n    addToCart(productId: $productId, quantity: $quantity) {\n      ...StoreCart\n    }\n  }\n',
): (typeof documents)['\n  mutation StoreAddToCart($productId: ID!, $quantity: Int!) {\n    addToCart(productId: $productId, quantity: $quantity) {\n      ...StoreCart\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  mutation StoreUpdateCartItem($productId: ID!, $quantity: Int!) {\n    updateCartItem(productId: $productId, quantity: $quantity) {\n      ...StoreCart\n    }\n  }\n',
): (typeof documents)['\n  mutation StoreUpdateCartItem($productId: ID!, $quantity: Int!) {\n    updateCartItem(productId: $productId, quantity: $quantity) {\n      ...StoreCart\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  mutation StoreRemoveFromCart($productId: ID!) {\n    removeFromCart(productId: $productId) {\n      ...StoreCart\n    }\n  }\n',
): (typeof documents)['\n  mutation StoreRemoveFromCart($productId: ID!) {\n    removeFromCart(productId: $productId) {\n      ...StoreCart\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  mutation StoreCheckout($input: CheckoutInput!) {\n    checkout(input: $input) {\n      ...StoreOrder\n    }\n  }\n',
): (typeof documents)['\n  mutation StoreCheckout($input: CheckoutInput!) {\n    checkout(input: $input) {\n      ...StoreOrder\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  query StoreOrderPage($id: ID!) {\n    order(id: $id) {\n      ...StoreOrder\n    }\n  }\n',
): (typeof documents)['\n  query StoreOrderPage($id: ID!) {\n    order(id: $id) {\n      ...StoreOrder\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  subscription StoreOrderStatus($orderId: ID!) {\n    orderStatusChanged(orderId: $orderId) {\n      ...StoreOrder\n    }\n  }\n',
): (typeof documents)['\n  subscription StoreOrderStatus($orderId: ID!) {\n    orderStatusChanged(orderId: $orderId) {\n      ...StoreOrder\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  mutation StoreCancelOrder($id: ID!) {\n    cancelOrder(id: $id) {\n      ...StoreOrder\n    }\n  }\n',
): (typeof documents)['\n  mutation StoreCancelOrder($id: ID!) {\n    cancelOrder(id: $id) {\n      ...StoreOrder\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  query StoreMyOrders($first: Int!, $after: String) {\n    me {\n      id\n      orders(first: $first, after: $after) {\n        edges {\n          cursor\n          node {\n            id\n            status\n            total {\n              ...StoreMoney\n            }\n            items {\n              name\n              quantity\n            }\n            createdAt\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n',
): (typeof documents)['\n  query StoreMyOrders($first: Int!, $after: String) {\n    me {\n      id\n      orders(first: $first, after: $after) {\n        edges {\n          cursor\n          node {\n            id\n            status\n            total {\n              ...StoreMoney\n            }\n            items {\n              name\n              quantity\n            }\n            createdAt\n          }\n        }\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n      }\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  mutation StoreUpdateProduct($id: ID!, $input: UpdateProductInput!) {\n    updateProduct(id: $id, input: $input) {\n      ...StoreProduct\n    }\n  }\n',
): (typeof documents)['\n  mutation StoreUpdateProduct($id: ID!, $input: UpdateProductInput!) {\n    updateProduct(id: $id, input: $input) {\n      ...StoreProduct\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  mutation StoreCreateProduct($input: CreateProductInput!) {\n    createProduct(input: $input) {\n      ...StoreProduct\n    }\n  }\n',
): (typeof documents)['\n  mutation StoreCreateProduct($input: CreateProductInput!) {\n    createProduct(input: $input) {\n      ...StoreProduct\n    }\n  }\n'];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(
  source: '\n  query StoreMySales($first: Int!) {\n    me {\n      id\n      sales(first: $first) {\n        edges {\n          cursor\n          node {\n            id\n            orderId\n            name\n            quantity\n            lineTotal {\n              ...StoreMoney\n            }\n            soldAt\n          }\n        }\n        totalCount\n      }\n    }\n  }\n',
): (typeof documents)['\n  query StoreMySales($first: Int!) {\n    me {\n      id\n      sales(first: $first) {\n        edges {\n          cursor\n          node {\n            id\n            orderId\n            name\n            quantity\n            lineTotal {\n              ...StoreMoney\n            }\n            soldAt\n          }\n        }\n        totalCount\n      }\n    }\n  }\n'];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> =
  TDocumentNode extends DocumentNode<infer TType, any> ? TType : never;
